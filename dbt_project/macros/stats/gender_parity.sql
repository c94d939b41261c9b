{#
    Gender parity on a board, judged on whole people so that every board size can meet it: parity when the
    number of women is floor(n/2) or ceil(n/2) of the n members of known gender, i.e. |2 x women - n| <= 1
    (4 or 5 of 9, 5 of 10). Integer arithmetic: no rounding decides it. Null when nobody's gender is known.
#}
{% macro is_gender_parity(women, known) -%}
    (case
        when ({{ known }}) is null or ({{ known }}) <= 0 or ({{ women }}) is null then null
        else abs(2 * ({{ women }}) - ({{ known }})) <= 1
    end)
{%- endmacro %}
