{#
    One bound of the Katz log-method interval for a relative likelihood (risk ratio)

        RR = (a / n1) / (c / n2)
        ln RR +/- z * sqrt(1/a - 1/n1 + 1/c - 1/n2)

    a, n1  events and people in the group on top (e.g. White appointed / White shortlisted)
    c, n2  events and people in the comparison group
    bound  'lower' or 'upper';  z  normal quantile (1.96 for 95%)

    Zero cells: when either cell of a group is zero (no events, or everybody had the event), 0.5 is
    added to both of that group's cells (events + 0.5, people + 1), for the interval only.
    Null when either group has no people, or a count is negative or above its group's total.
#}
{% macro katz_log_interval(a, n1, c, n2, bound, z=1.96) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("katz_log_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set dbl = wellled.type_double() -%}
    {%- set a_c = 'cast((' ~ a ~ ') as ' ~ dbl ~ ') + (case when (' ~ a ~ ') = 0 or (' ~ a ~ ') = (' ~ n1 ~ ') then 0.5 else 0 end)' -%}
    {%- set n1_c = 'cast((' ~ n1 ~ ') as ' ~ dbl ~ ') + (case when (' ~ a ~ ') = 0 or (' ~ a ~ ') = (' ~ n1 ~ ') then 1 else 0 end)' -%}
    {%- set c_c = 'cast((' ~ c ~ ') as ' ~ dbl ~ ') + (case when (' ~ c ~ ') = 0 or (' ~ c ~ ') = (' ~ n2 ~ ') then 0.5 else 0 end)' -%}
    {%- set n2_c = 'cast((' ~ n2 ~ ') as ' ~ dbl ~ ') + (case when (' ~ c ~ ') = 0 or (' ~ c ~ ') = (' ~ n2 ~ ') then 1 else 0 end)' -%}
    (case
        when ({{ a }}) is null or ({{ n1 }}) is null or ({{ c }}) is null or ({{ n2 }}) is null then null
        when ({{ n1 }}) <= 0 or ({{ n2 }}) <= 0 then null
        when ({{ a }}) < 0 or ({{ c }}) < 0 or ({{ a }}) > ({{ n1 }}) or ({{ c }}) > ({{ n2 }}) then null
        else exp(
            ln(({{ a_c }}) / ({{ n1_c }}) / (({{ c_c }}) / ({{ n2_c }})))
            {{ '-' if bound == 'lower' else '+' }} {{ z }} * sqrt(
                1 / ({{ a_c }}) - 1 / ({{ n1_c }}) + 1 / ({{ c_c }}) - 1 / ({{ n2_c }})
            )
        )
    end)
{%- endmacro %}
