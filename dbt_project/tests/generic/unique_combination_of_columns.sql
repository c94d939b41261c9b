{#
    Primary-key test: no two rows share the same values of combination_of_columns.
    Nulls group together (a duplicated key with a null part still fails); pair with not_null on the parts
    that must be present. Fails with one row per duplicated key.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns_csv = combination_of_columns | join(', ') -%}
    with validation_errors as (
        select {{ columns_csv }}, count(*) as n_rows
        from {{ model }}
        group by {{ columns_csv }}
        having count(*) > 1
    )
    select * from validation_errors
{% endtest %}
