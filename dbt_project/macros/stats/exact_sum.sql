{#
    sum(expression) computed in decimals, returned as an 8-byte float. A floating-point sum depends on the order
    rows are added in, which differs between engines and runs; a decimal sum does not, so DuckDB and PostgreSQL
    publish identical totals (and identical rates built from them). `scale` decimal places are kept (the
    published FTE days have two).
#}
{% macro exact_sum(expression, scale=6) -%}
    cast(sum(cast({{ expression }} as decimal(38, {{ scale }}))) as {{ wellled.type_double() }})
{%- endmacro %}
