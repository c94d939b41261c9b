{#
    Trimmed text with blanks (and the publisher's not-applicable markers, when given) as null.
    Used by staging models on every free-text column of a raw table.
#}
{% macro clean_text(column, null_markers=[]) -%}
    {%- set trimmed = 'trim(' ~ column ~ ')' -%}
    case
        when {{ trimmed }} = '' then null
        {%- for marker in null_markers %}
        when {{ trimmed }} = '{{ marker }}' then null
        {%- endfor %}
        else {{ trimmed }}
    end
{%- endmacro %}
