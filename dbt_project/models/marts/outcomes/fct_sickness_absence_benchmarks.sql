{#
    England, regional and benchmarking-group sickness absence, one row per geography and month, from the days
    lost and available summed over the geography's NHS trusts (int_organisations__trust_geographies; ICBs,
    CSUs and national bodies are left out, so trusts are compared with trusts). Suppressed trust-months add
    nothing. The 12-month rate sums the geography's monthly sums over the 12 months ending with the month.
#}

with

sickness_absence as (

    select * from {{ ref('fct_sickness_absence') }}

),

geographies as (

    select * from {{ ref('int_organisations__trust_geographies') }}

),

monthly as (

    select
        geographies.geography_level,
        geographies.geography_code,
        max(geographies.geography_name) as geography_name,
        sickness_absence.month,
        sum(case when sickness_absence.is_suppressed then 0 else 1 end) as trusts_reported,
        sum(case when sickness_absence.is_suppressed then 1 else 0 end) as trusts_suppressed,
        {{ exact_sum('sickness_absence.fte_days_lost') }} as fte_days_lost,
        {{ exact_sum('sickness_absence.fte_days_available') }} as fte_days_available

    from sickness_absence
    inner join geographies
        on geographies.org_code = sickness_absence.org_code
    group by geographies.geography_level, geographies.geography_code, sickness_absence.month

),

windows as (

    select
        ending.geography_level,
        ending.geography_code,
        ending.month,
        count(*) as months_in_window,
        {{ exact_sum('within.fte_days_lost') }} as fte_days_lost_12m,
        {{ exact_sum('within.fte_days_available') }} as fte_days_available_12m

    from monthly as ending
    inner join monthly as within
        on within.geography_level = ending.geography_level
        and within.geography_code = ending.geography_code
        and {{ in_rolling_12_months('within.month', 'ending.month') }}
    group by ending.geography_level, ending.geography_code, ending.month

),

final as (

    select
        monthly.geography_level,
        monthly.geography_code,
        monthly.geography_name,
        monthly.month,
        monthly.trusts_reported,
        monthly.trusts_suppressed,
        monthly.fte_days_lost,
        monthly.fte_days_available,
        100 * {{ safe_divide('monthly.fte_days_lost', 'monthly.fte_days_available') }} as rate_pct,
        case when windows.months_in_window = 12 then windows.fte_days_lost_12m end as fte_days_lost_12m,
        case when windows.months_in_window = 12 then windows.fte_days_available_12m end as fte_days_available_12m,
        case
            when windows.months_in_window = 12
                then 100 * {{ safe_divide('windows.fte_days_lost_12m', 'windows.fte_days_available_12m') }}
        end as rate_12m_pct

    from monthly
    inner join windows
        on windows.geography_level = monthly.geography_level
        and windows.geography_code = monthly.geography_code
        and windows.month = monthly.month

)

select * from final
