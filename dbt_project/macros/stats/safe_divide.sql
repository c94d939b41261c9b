{#
    numerator / denominator as an 8-byte float; null (not an error) when the denominator is zero or null.
    Casting first also avoids integer division on Postgres.
#}
{% macro safe_divide(numerator, denominator) -%}
    (case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else cast(({{ numerator }}) as {{ wellled.type_double() }}) / ({{ denominator }})
    end)
{%- endmacro %}
