{#
    Friends and Family Test per provider, month and setting (inpatient, A&E), with the rolling 12-month
    % positive: 100 x sum(Very Good + Good) / sum(all six answers) over the 12 months ending with the month,
    from the months the publisher did not suppress, needing all 12 months of the window to have landed; never a
    mean of monthly percentages. Its Wilson 95% interval treats the answers as independent.

    NHS England says FFT results are not for comparing providers (collection methods and patient mixes differ):
    this table supports trends within a provider, and no benchmark or better/worse against other providers is
    published.
#}

with

responses as (

    select * from {{ ref('stg_fft__responses') }}

),

organisations as (

    select * from {{ ref('int_organisations__organisations') }}

),

windows as (

    select
        ending.org_code,
        ending.setting,
        ending.month,
        count(*) as months_in_window,
        sum(case when within.is_suppressed or within.answered_responses is null then 0 else 1 end)
            as months_reported_12m,
        sum(within.positive_responses) as positive_responses_12m,
        sum(within.answered_responses) as answered_responses_12m

    from responses as ending
    inner join responses as within
        on within.org_code = ending.org_code
        and within.setting = ending.setting
        and {{ in_rolling_12_months('within.month', 'ending.month') }}
    group by ending.org_code, ending.setting, ending.month

),

rolled as (

    select
        responses.*,
        case when windows.months_in_window = 12 then windows.positive_responses_12m end as positive_responses_12m,
        case when windows.months_in_window = 12 then windows.answered_responses_12m end as answered_responses_12m,
        windows.months_reported_12m

    from responses
    inner join windows
        on windows.org_code = responses.org_code
        and windows.setting = responses.setting
        and windows.month = responses.month

),

final as (

    select
        rolled.org_code,
        rolled.month,
        rolled.setting,
        coalesce(organisations.org_name, rolled.org_name) as org_name,
        rolled.icb_code,
        organisations.org_kind,
        -- Not an ODS trust nor a staff survey unit: an independent-sector provider (or another non-NHS body).
        coalesce(organisations.org_kind = 'other' and not organisations.in_ods, true) as is_independent_sector,
        rolled.total_responses as responses,
        rolled.total_eligible,
        rolled.positive_responses,
        rolled.answered_responses,
        rolled.published_pct_positive as pct_positive,
        rolled.published_pct_negative as pct_negative,
        rolled.is_suppressed,
        rolled.positive_responses_12m,
        rolled.answered_responses_12m,
        rolled.months_reported_12m,
        100 * {{ safe_divide('rolled.positive_responses_12m', 'rolled.answered_responses_12m') }} as pct_positive_12m,
        -- Bounded by the estimate itself: at 0% or 100% the interval's rounding must not leave it outside.
        least(
            100 * {{ safe_divide('rolled.positive_responses_12m', 'rolled.answered_responses_12m') }},
            100 * {{ wilson_interval(safe_divide('rolled.positive_responses_12m', 'rolled.answered_responses_12m'),
                                     'rolled.answered_responses_12m', 'lower') }}
        ) as ci_lower_12m,
        greatest(
            100 * {{ safe_divide('rolled.positive_responses_12m', 'rolled.answered_responses_12m') }},
            100 * {{ wilson_interval(safe_divide('rolled.positive_responses_12m', 'rolled.answered_responses_12m'),
                                     'rolled.answered_responses_12m', 'upper') }}
        ) as ci_upper_12m,
        rolled._source_file as source_file

    from rolled
    left join organisations
        on organisations.org_code = rolled.org_code

)

select * from final
