{#
    Models land in exactly the schema their folder configures (staging, intermediate, marts, seeds),
    with no target prefix, so the same names hold on DuckDB and Postgres and BI tools see `marts.*`.
    A node without a custom schema falls back to the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
