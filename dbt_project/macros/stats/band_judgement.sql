{#
    Judging a value against a target band [lower, upper] (either end may be null: WRES 2-4 0.80-1.25, WRES 9
    0 or above), as WRES publications do: on the value rounded to 2 decimals, compared as exact decimals, so
    that 96/600 against 40/200, which a float computes as 0.7999999999999999, is 0.80 and inside the band.
    No floating-point comparison decides a verdict.

      band_value(x)                      x rounded to 2 decimals, as an exact decimal
      is_within_band(x, lower, upper)    the rounded value lies in the band (ends included)
      interval_reaches_band(lo, hi, ...) the rounded 95% interval overlaps the band
      interval_spans_band_edge(lo, hi, ...) the rounded interval contains an end of the band
      band_judgement(x, lo, hi, ...)     as_expected (inside), worse (outside, and the whole interval outside),
                                         outside_band_not_significant (outside, but the interval reaches the
                                         band), not_assessed (outside with no interval); null without a value
#}
{% macro band_value(x) -%}
    round(cast(({{ x }}) as decimal(38, 10)), 2)
{%- endmacro %}

{% macro band_edge(edge) -%}
    cast(({{ edge }}) as decimal(38, 2))
{%- endmacro %}

{% macro is_within_band(x, lower, upper) -%}
    (({{ lower }}) is null or {{ wellled.band_value(x) }} >= {{ wellled.band_edge(lower) }})
    and (({{ upper }}) is null or {{ wellled.band_value(x) }} <= {{ wellled.band_edge(upper) }})
{%- endmacro %}

{% macro interval_reaches_band(ci_lower, ci_upper, lower, upper) -%}
    (({{ lower }}) is null or {{ wellled.band_value(ci_upper) }} >= {{ wellled.band_edge(lower) }})
    and (({{ upper }}) is null or {{ wellled.band_value(ci_lower) }} <= {{ wellled.band_edge(upper) }})
{%- endmacro %}

{% macro interval_spans_band_edge(ci_lower, ci_upper, lower, upper) -%}
    ((({{ lower }}) is not null
        and {{ wellled.band_value(ci_lower) }} <= {{ wellled.band_edge(lower) }}
        and {{ wellled.band_value(ci_upper) }} >= {{ wellled.band_edge(lower) }})
    or (({{ upper }}) is not null
        and {{ wellled.band_value(ci_lower) }} <= {{ wellled.band_edge(upper) }}
        and {{ wellled.band_value(ci_upper) }} >= {{ wellled.band_edge(upper) }}))
{%- endmacro %}

{% macro band_judgement(x, ci_lower, ci_upper, lower, upper) -%}
    (case
        when ({{ x }}) is null then null
        when {{ wellled.is_within_band(x, lower, upper) }} then 'as_expected'
        when ({{ ci_lower }}) is null or ({{ ci_upper }}) is null then 'not_assessed'
        when {{ wellled.interval_reaches_band(ci_lower, ci_upper, lower, upper) }} then 'outside_band_not_significant'
        else 'worse'
    end)
{%- endmacro %}
