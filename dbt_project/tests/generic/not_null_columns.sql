{#
    Each of column_names is never null: one test per model rather than one per column, because every dbt test
    is a node with its own fixed cost in each refresh, and a model's not-null columns are read in one scan.
    Fails with one row per column that holds nulls, naming it and counting its null rows.
#}
{% test not_null_columns(model, column_names) %}
    with null_rows as (
        select
            {%- for column in column_names %}
            count(*) filter (where {{ adapter.quote(column) }} is null) as {{ adapter.quote(column) }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
    )
    {% for column in column_names -%}
    select '{{ column }}' as null_column, {{ adapter.quote(column) }} as null_rows from null_rows
    where {{ adapter.quote(column) }} > 0
    {{ "union all" if not loop.last }}
    {% endfor %}
{% endtest %}
