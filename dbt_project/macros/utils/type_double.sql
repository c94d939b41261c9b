{#
    An 8-byte floating point type. dbt.type_float() renders `float`, which is 8 bytes on Postgres but a
    4-byte REAL on DuckDB: every ratio, percentage and interval goes through this macro instead.
#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'wellled')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}
