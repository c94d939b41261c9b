{#
    The non-null values of `expression` in a group, sorted and joined by `delimiter`; NULL when
    there are none (as listagg gives). DuckDB sorts each group of an ordered string_agg on its own, which made
    the well-led summary's dozen code lists most of its build time: sorting the collected list is many times
    faster and gives the same text.
#}
{% macro sorted_join(expression, delimiter="'|'") -%}
    {{ return(adapter.dispatch('sorted_join', 'wellled')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_join(expression, delimiter) -%}
    {{ dbt.listagg(expression, delimiter, 'order by ' ~ expression) }}
{%- endmacro %}

{% macro duckdb__sorted_join(expression, delimiter) -%}
    array_to_string(list_sort(list({{ expression }}) filter (where ({{ expression }}) is not null)), {{ delimiter }})
{%- endmacro %}
