{#
    NHS sickness absence per organisation and month, with the rolling 12-month rate.

    rate_pct is the publisher's monthly rate. rate_12m_pct = 100 x sum(fte_days_lost) / sum(fte_days_available)
    over the 12 months ending with the month, summing only the months the publisher reported (a suppressed
    month's days were never published, so they can be neither added nor recovered); it needs all 12 months of
    the window to have landed. Never a mean of monthly rates.
#}

with

months as (

    select * from {{ ref('int_outcomes__sickness_absence_months') }}

),

organisations as (

    select * from {{ ref('int_organisations__organisations') }}

),

windows as (

    select
        ending.org_code,
        ending.month,
        count(*) as months_in_window,
        sum(case when within.is_suppressed then 0 else 1 end) as months_reported_12m,
        {{ exact_sum('within.fte_days_lost') }} as fte_days_lost_12m,
        {{ exact_sum('within.fte_days_available') }} as fte_days_available_12m

    from months as ending
    inner join months as within
        on within.org_code = ending.org_code
        and {{ in_rolling_12_months('within.month', 'ending.month') }}
    group by ending.org_code, ending.month

),

final as (

    select
        months.org_code,
        months.month,
        coalesce(organisations.org_name, months.org_name) as org_name,
        months.org_type,
        organisations.org_kind,
        organisations.legal_org_code,
        organisations.region_code,
        organisations.benchmarking_group_code,
        months.fte_days_lost,
        months.fte_days_available,
        months.published_rate_pct as rate_pct,
        months.is_suppressed,
        case when windows.months_in_window = 12 then windows.fte_days_lost_12m end as fte_days_lost_12m,
        case when windows.months_in_window = 12 then windows.fte_days_available_12m end as fte_days_available_12m,
        windows.months_reported_12m,
        case
            when windows.months_in_window = 12
                then 100 * {{ safe_divide('windows.fte_days_lost_12m', 'windows.fte_days_available_12m') }}
        end as rate_12m_pct,
        months.layout as source_layout,
        months.source_file

    from months
    inner join windows
        on windows.org_code = months.org_code
        and windows.month = months.month
    left join organisations
        on organisations.org_code = months.org_code

)

select * from final
