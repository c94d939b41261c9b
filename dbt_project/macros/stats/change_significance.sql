{#
    Is a change between two periods significant at 95% (two-sided)? Null when it cannot be tested.

    proportion_change_is_significant(p1, n1, p2, n2): proportions 0-1 with their bases; the Newcombe
    hybrid score interval (method 10) of p2 - p1 excludes 0. Used for question % positive (base_n as n).

    interval_change_is_significant(v1, lo1, hi1, v2, lo2, hi2, log_scale): values published with a 95%
    interval but no base to test with (WRES 2-9): each year's standard error is read off its interval,
    (hi - lo) / (2 x 1.96), on the log scale for ratios, and the change is significant when
    |v2 - v1| > 1.96 x sqrt(se1^2 + se2^2). An approximation for asymmetric (Wilson, Newcombe) intervals;
    a ratio of 0 or an interval reaching 0 cannot be put on the log scale and is not tested.
#}
{% macro proportion_change_is_significant(p1, n1, p2, n2) -%}
    (case
        when ({{ p1 }}) is null or ({{ p2 }}) is null or ({{ n1 }}) is null or ({{ n2 }}) is null then null
        when ({{ n1 }}) <= 0 or ({{ n2 }}) <= 0 then null
        else {{ wellled.newcombe_difference_interval(p1, n1, p2, n2, 'lower') }} > 0
            or {{ wellled.newcombe_difference_interval(p1, n1, p2, n2, 'upper') }} < 0
    end)
{%- endmacro %}

{% macro interval_change_is_significant(v1, lo1, hi1, v2, lo2, hi2, log_scale) -%}
    {%- set z = 1.959963985 -%}
    {%- if log_scale -%}
    (case
        when ({{ v1 }}) is null or ({{ v2 }}) is null or ({{ lo1 }}) is null or ({{ hi1 }}) is null
            or ({{ lo2 }}) is null or ({{ hi2 }}) is null then null
        when ({{ v1 }}) <= 0 or ({{ v2 }}) <= 0 or ({{ lo1 }}) <= 0 or ({{ lo2 }}) <= 0 then null
        else abs(ln({{ v2 }}) - ln({{ v1 }})) > {{ z }} * sqrt(
            power((ln({{ hi1 }}) - ln({{ lo1 }})) / (2 * {{ z }}), 2)
            + power((ln({{ hi2 }}) - ln({{ lo2 }})) / (2 * {{ z }}), 2))
    end)
    {%- else -%}
    (case
        when ({{ v1 }}) is null or ({{ v2 }}) is null or ({{ lo1 }}) is null or ({{ hi1 }}) is null
            or ({{ lo2 }}) is null or ({{ hi2 }}) is null then null
        else abs(({{ v2 }}) - ({{ v1 }})) > {{ z }} * sqrt(
            power((({{ hi1 }}) - ({{ lo1 }})) / (2 * {{ z }}), 2)
            + power((({{ hi2 }}) - ({{ lo2 }})) / (2 * {{ z }}), 2))
    end)
    {%- endif -%}
{%- endmacro %}
