{#
    The 97.5th percentile of Student's t distribution with `df` degrees of freedom (the multiplier of a 95%
    interval), by the Cornish-Fisher expansion around the normal quantile z = 1.959964 (Abramowitz and
    Stegun 26.7.5, five terms). SQL has no t quantile function on either engine; against the exact values the
    expansion errs by less than 0.001 from 4 degrees of freedom and 0.004 at 3. Null below 1.
#}
{% macro t_quantile_975(df) -%}
    {%- set d = 'cast((' ~ df ~ ') as ' ~ wellled.type_double() ~ ')' -%}
    {%- set z = 1.959963984540054 -%}
    (case
        when ({{ df }}) is null or ({{ df }}) < 1 then null
        else {{ z }}
            + {{ (z ** 3 + z) / 4 }} / {{ d }}
            + {{ (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96 }} / ({{ d }} * {{ d }})
            + {{ (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384 }} / ({{ d }} * {{ d }} * {{ d }})
            + {{ (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160 }}
              / ({{ d }} * {{ d }} * {{ d }} * {{ d }})
    end)
{%- endmacro %}
