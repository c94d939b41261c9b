{#
    A model's single-column rules in one test: the columns in not_null are never null, each column of
    accepted_values ({column: [values]}) holds only those values, and each column of accepted_range
    ({column: {min_value, max_value}}, inclusive, either bound optional) lies within its bounds. Nulls break only
    not_null. One test per model rather than one per column and rule, because every dbt test is a node with its
    own fixed cost in each refresh, and a model's rules are all checked in one scan.
    Fails with one row per broken rule: the column, the rule, how many rows break it and one offending value.
#}
{% test column_rules(model, not_null=[], accepted_values={}, accepted_range={}) %}
    {%- set rules = [] -%}
    {%- for column in not_null -%}
        {%- do rules.append((column, "not_null", adapter.quote(column) ~ " is null")) -%}
    {%- endfor -%}
    {%- for column, values in accepted_values.items() -%}
        {%- set literals = [] -%}
        {%- for value in values -%}
            {%- do literals.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
        {%- endfor -%}
        {%- do rules.append((column, "accepted_values",
                             adapter.quote(column) ~ " not in (" ~ literals | join(", ") ~ ")")) -%}
    {%- endfor -%}
    {%- for column, bounds in accepted_range.items() -%}
        {%- set outside = [] -%}
        {%- if bounds.get("min_value") is not none -%}
            {%- do outside.append(adapter.quote(column) ~ " < " ~ bounds["min_value"]) -%}
        {%- endif -%}
        {%- if bounds.get("max_value") is not none -%}
            {%- do outside.append(adapter.quote(column) ~ " > " ~ bounds["max_value"]) -%}
        {%- endif -%}
        {%- do rules.append((column, "accepted_range", "(" ~ outside | join(" or ") ~ ")")) -%}
    {%- endfor %}
    with checked as (
        select
            {%- for column, rule, breaks in rules %}
            count(*) filter (where {{ breaks }}) as breaking_{{ loop.index }},
            min(cast({{ adapter.quote(column) }} as varchar)) filter (where {{ breaks }}) as example_{{ loop.index }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
    )
    {% for column, rule, breaks in rules -%}
    select '{{ column }}' as column_name, '{{ rule }}' as rule, breaking_{{ loop.index }} as failing_rows,
           example_{{ loop.index }} as example_value
    from checked where breaking_{{ loop.index }} > 0
    {{ "union all" if not loop.last }}
    {% endfor %}
{% endtest %}
