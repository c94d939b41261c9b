{#
    A model's column rules in one test: each of keys (a list of column lists) identifies at most one row, the
    columns in not_null are never null, each column of accepted_values ({column: [values]}) holds only those
    values, and each column of accepted_range ({column: {min_value, max_value}}, inclusive, either bound
    optional) lies within its bounds. Nulls break only not_null; in a key they group together, so a duplicated
    key with a null part still fails. One test per model rather than one per column and rule, because every dbt
    test is a node with its own fixed cost in each refresh: the single-column rules are checked in one scan, and
    each key in one more.
    Fails with one row per broken rule: the column(s), the rule, how many rows break it and one offending value
    (for a key, one duplicated value, its parts joined by ", ").
#}
{% test column_rules(model, not_null=[], accepted_values={}, accepted_range={}, keys=[]) %}
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
    with
    {%- if rules %}
    checked as (
        select
            {%- for column, rule, breaks in rules %}
            count(*) filter (where {{ breaks }}) as breaking_{{ loop.index }},
            min(cast({{ adapter.quote(column) }} as varchar)) filter (where {{ breaks }}) as example_{{ loop.index }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
    ){{ "," if keys }}
    {%- endif %}
    {%- for key in keys %}
    {%- set columns = [] -%}
    {%- for column in key %}{% do columns.append(adapter.quote(column)) %}{% endfor %}
    key_{{ loop.index }} as (
        select cast(sum(rows_sharing) as bigint) as failing_rows, min(key_value) as example_value
        from (
            select count(*) as rows_sharing,
                   concat_ws(', '{% for column in columns %}, coalesce(cast({{ column }} as varchar), 'null'){% endfor %})
                       as key_value
            from {{ model }}
            group by {{ columns | join(", ") }}
            having count(*) > 1
        ) as duplicated
    ){{ "," if not loop.last }}
    {%- endfor %}
    {% for column, rule, breaks in rules -%}
    select '{{ column }}' as column_name, '{{ rule }}' as rule, breaking_{{ loop.index }} as failing_rows,
           example_{{ loop.index }} as example_value
    from checked where breaking_{{ loop.index }} > 0
    {{ "union all" if not loop.last or keys }}
    {% endfor -%}
    {% for key in keys -%}
    select '{{ key | join(", ") }}' as column_name, 'unique_key' as rule, failing_rows, example_value
    from key_{{ loop.index }} where failing_rows > 0
    {{ "union all" if not loop.last }}
    {% endfor %}
{% endtest %}
