{#- True when `month` (a first-of-month date) is one of the 12 months ending with `ending_month`: the window of
    every rolling 12-month figure. -#}
{% macro in_rolling_12_months(month, ending_month) -%}
    {{ month }} <= {{ ending_month }}
        and {{ month }} > {{ dbt.dateadd('month', -12, ending_month) }}
{%- endmacro %}
