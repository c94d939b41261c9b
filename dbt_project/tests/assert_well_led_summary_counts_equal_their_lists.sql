{{ config(meta={'dagster': {'ref': {'name': 'fct_well_led_summary'}}}) }}
{#
    Every count of fct_well_led_summary equals the number of codes its list names, and the ten categories add
    up to indicators_expected. One row per failing summary row and count; the build (and so publication)
    fails on any.
#}
{%- set counted = ['better', 'as_expected', 'worse', 'outside_band_not_significant', 'not_estimable',
                   'top_quarter', 'middle', 'bottom_quarter', 'missing', 'not_assessed', 'improved', 'deteriorated'] %}
{%- set categories = counted[:10] %}

with

summary as (

    select * from {{ ref('fct_well_led_summary') }}

),

listed as (

    {%- for name in counted %}
    select
        org_code,
        period,
        statement_code,
        '{{ name }}' as count_name,
        {{ name }}_count as counted,
        case
            when {{ name }}_indicator_codes is null then 0
            else length({{ name }}_indicator_codes) - length(replace({{ name }}_indicator_codes, '|', '')) + 1
        end as listed
    from summary
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

totals as (

    select
        org_code,
        period,
        statement_code,
        'indicators_expected' as count_name,
        indicators_expected as counted,
        {% for name in categories %}{{ name }}_count{% if not loop.last %} + {% endif %}{% endfor %} as listed
    from summary

),

final as (

    select * from listed where counted <> listed
    union all
    select * from totals where counted <> listed

)

select * from final
