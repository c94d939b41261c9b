{#
    The distribution of organisations' values within a comparison group (use inside a GROUP BY): minimum,
    25th percentile, median, 75th percentile and maximum, by linear interpolation (percentile_cont, the same
    on DuckDB and PostgreSQL). Nulls are left out. One name per statistic in every published table:
    min_value, p25_value, median_value, p75_value, max_value.
#}
{% macro value_distribution(value) -%}
    min({{ value }}) as min_value,
    {{ wellled.value_quartiles(value) }},
    max({{ value }}) as max_value
{%- endmacro %}

{# The three quartiles alone (p25_value, median_value, p75_value), for tables that publish no minimum or maximum. #}
{% macro value_quartiles(value) -%}
    percentile_cont(0.25) within group (order by {{ value }}) as p25_value,
    percentile_cont(0.5) within group (order by {{ value }}) as median_value,
    percentile_cont(0.75) within group (order by {{ value }}) as p75_value
{%- endmacro %}
