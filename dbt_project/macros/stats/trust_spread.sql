{#
    The spread of trust values within a group (use inside a GROUP BY): minimum, quartiles and median by linear
    interpolation (percentile_cont, the same on DuckDB and PostgreSQL), maximum. Nulls are left out.
#}
{% macro trust_spread(value) -%}
    min({{ value }}) as trust_min,
    percentile_cont(0.25) within group (order by {{ value }}) as trust_q1,
    percentile_cont(0.5) within group (order by {{ value }}) as trust_median,
    percentile_cont(0.75) within group (order by {{ value }}) as trust_q3,
    max({{ value }}) as trust_max
{%- endmacro %}
