{#
    Every non-null value of the column lies in [min_value, max_value] (either bound may be omitted).
    Fails with one row per value outside the range.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    select {{ column_name }} as out_of_range_value
    from {{ model }}
    where {{ column_name }} is not null
      and (
        {%- if min_value is not none %} {{ column_name }} < {{ min_value }}{% else %} 1 = 0{% endif %}
        or {%- if max_value is not none %} {{ column_name }} > {{ max_value }}{% else %} 1 = 0{% endif %}
      )
{% endtest %}
