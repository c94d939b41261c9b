{#
    WRES relative likelihoods (indicators 2-4): the rate of the group on top divided by the rate of the
    comparison group, (a / n1) / (c / n2); null when a denominator or the comparison rate is zero (the ratio
    cannot be estimated: the scorecard calls it not_estimable and shows the counts).

    relative_likelihood_interval: one bound of its Katz log-method 95% interval (macro katz_log_interval,
    0.5 added to both cells of a group with a zero cell), widened to hold the observed ratio: the zero-cell
    correction otherwise moves the interval away from an observed ratio of 0.

    wres_ratio_top / wres_ratio_bottom: which group is on top for an indicator number (BME for 3, the
    disciplinary process; White for 2 and 4).
#}
{% macro relative_likelihood(a, n1, c, n2) -%}
    {{ wellled.safe_divide(wellled.safe_divide(a, n1), wellled.safe_divide(c, n2)) }}
{%- endmacro %}

{% macro relative_likelihood_interval(a, n1, c, n2, bound) -%}
    {%- set estimate = wellled.relative_likelihood(a, n1, c, n2) -%}
    {%- set katz = wellled.katz_log_interval(a, n1, c, n2, bound) -%}
    {%- if bound == 'lower' -%}
    least({{ katz }}, {{ estimate }})
    {%- else -%}
    greatest({{ katz }}, {{ estimate }})
    {%- endif -%}
{%- endmacro %}

{% macro wres_ratio_top(indicator_number, white, bme) -%}
    (case when ({{ indicator_number }}) = 3 then {{ bme }} else {{ white }} end)
{%- endmacro %}

{% macro wres_ratio_bottom(indicator_number, white, bme) -%}
    (case when ({{ indicator_number }}) = 3 then {{ white }} else {{ bme }} end)
{%- endmacro %}
