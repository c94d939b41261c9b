{#
    One bound of the Wilson score interval for a proportion.

    p      proportion 0-1 (an expression)
    n      number of observations behind it
    bound  'lower' or 'upper'
    z      normal quantile (1.96 for a 95% interval)

        centre     = (p + z^2 / 2n) / (1 + z^2 / n)
        half-width = z * sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n)

    Null when n is null or not positive, or p is null. Result on the same 0-1 scale as p, clamped to
    [0, 1] against rounding at p = 0 or 1.
#}
{% macro wilson_interval(p, n, bound, z=1.96) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wilson_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set nd = 'cast((' ~ n ~ ') as ' ~ wellled.type_double() ~ ')' -%}
    {%- set zz = (z * z) | string -%}
    (case
        when ({{ p }}) is null or ({{ n }}) is null or ({{ n }}) <= 0 then null
        else {{ 'greatest(0, ' if bound == 'lower' else 'least(1, ' }}(
            (({{ p }}) + {{ zz }} / (2 * {{ nd }}))
            {{ '-' if bound == 'lower' else '+' }} {{ z }} * sqrt(
                ({{ p }}) * (1 - ({{ p }})) / {{ nd }} + {{ zz }} / (4 * {{ nd }} * {{ nd }})
            )
        ) / (1 + {{ zz }} / {{ nd }}))
    end)
{%- endmacro %}


{#
    One bound of Newcombe's hybrid score interval (method 10, 1998) for the difference of two
    independent proportions p2 - p1, built from the Wilson interval of each:

        lower = (p2 - p1) - sqrt((p2 - l2)^2 + (u1 - p1)^2)
        upper = (p2 - p1) + sqrt((u2 - p2)^2 + (p1 - l1)^2)

    Proportions 0-1; the result is on the same scale (multiply by 100 for percentage points).
#}
{% macro newcombe_difference_interval(p1, n1, p2, n2, bound, z=1.96) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("newcombe_difference_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set l1 = wellled.wilson_interval(p1, n1, 'lower', z) -%}
    {%- set u1 = wellled.wilson_interval(p1, n1, 'upper', z) -%}
    {%- set l2 = wellled.wilson_interval(p2, n2, 'lower', z) -%}
    {%- set u2 = wellled.wilson_interval(p2, n2, 'upper', z) -%}
    {%- if bound == 'lower' -%}
    ((({{ p2 }}) - ({{ p1 }})) - sqrt(
        (({{ p2 }}) - {{ l2 }}) * (({{ p2 }}) - {{ l2 }}) + ({{ u1 }} - ({{ p1 }})) * ({{ u1 }} - ({{ p1 }}))
    ))
    {%- else -%}
    ((({{ p2 }}) - ({{ p1 }})) + sqrt(
        ({{ u2 }} - ({{ p2 }})) * ({{ u2 }} - ({{ p2 }})) + (({{ p1 }}) - {{ l1 }}) * (({{ p1 }}) - {{ l1 }})
    ))
    {%- endif -%}
{%- endmacro %}
