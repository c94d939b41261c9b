with

question_results as (

    select * from {{ ref('int_staff_survey__question_results') }}

),

organisation_years as (

    select * from {{ ref('int_staff_survey__organisation_years') }}

),

suppressed as (

    -- Fewer than 10 responses (or a hidden option) is never published (docs/architecture.md, Privacy).
    select
        org_code,
        survey_year,
        question_id,
        question_code,
        question_text,
        response_scale,
        polarity,
        favourable_options,
        is_harm_item,
        is_mapped,
        is_comparable_with_prior,
        comparability_note,
        is_suppressed,
        case when is_suppressed then null else base_n end as base_n,
        -- Clamped to 0-100 against floating-point sums of published percentages (e.g. 100.00000000000001);
        -- least/greatest skip nulls, hence the explicit null cases.
        case
            when is_suppressed or pct_favourable is null then null
            else least(100, greatest(0, pct_favourable))
        end as pct_positive,
        case
            when is_suppressed or not is_harm_item or pct_never is null then null
            else least(100, greatest(0, 100 - pct_never))
        end as pct_at_least_once

    from question_results

),

with_previous as (

    select
        suppressed.*,
        lag(survey_year) over (partition by org_code, question_id order by survey_year) as previous_year,
        lag(pct_positive) over (partition by org_code, question_id order by survey_year) as previous_pct_positive,
        lag(base_n) over (partition by org_code, question_id order by survey_year) as previous_base_n

    from suppressed

),

trend as (

    select
        with_previous.*,
        coalesce(is_comparable_with_prior and previous_year = survey_year - 1, false) as has_comparable_prior,
        coalesce(previous_year = survey_year - 1 and not is_comparable_with_prior, false) as is_trend_break

    from with_previous

),

series as (

    select
        trend.*,
        sum(case when has_comparable_prior then 0 else 1 end) over (
            partition by org_code, question_id
            order by survey_year
            rows between unbounded preceding and current row
        ) as series_number

    from trend

),

final as (

    select
        series.org_code,
        series.survey_year,
        series.question_id,
        series.question_code,
        {{ dbt.concat(["'nss_'", 'series.question_id']) }} as indicator_code,
        series.question_text,
        series.response_scale,
        series.polarity,
        series.favourable_options,
        series.is_harm_item,
        series.pct_positive,
        series.pct_at_least_once,
        series.base_n,
        series.is_suppressed,
        -- The Wilson interval always contains the estimate; least/greatest only remove floating-point noise at 0 and 100.
        least(series.pct_positive, 100 * {{ wilson_interval('series.pct_positive / 100', 'series.base_n', 'lower') }})
            as ci_lower,
        greatest(series.pct_positive, 100 * {{ wilson_interval('series.pct_positive / 100', 'series.base_n', 'upper') }})
            as ci_upper,
        series.is_comparable_with_prior,
        series.is_trend_break,
        series.comparability_note,
        min(series.survey_year) over (partition by series.org_code, series.question_id, series.series_number)
            as series_start_year,
        case when series.has_comparable_prior then series.previous_year end as prior_survey_year,
        case when series.has_comparable_prior then series.previous_pct_positive end as prior_pct_positive,
        case when series.has_comparable_prior then series.pct_positive - series.previous_pct_positive end
            as change_pct_positive,
        case
            when series.has_comparable_prior then {{ proportion_change_is_significant(
                'series.previous_pct_positive / 100', 'series.previous_base_n',
                'series.pct_positive / 100', 'series.base_n') }}
        end as is_change_significant,
        series.is_mapped,
        organisation_years.benchmarking_group_code

    from series
    left join organisation_years
        on organisation_years.org_code = series.org_code
        and organisation_years.survey_year = series.survey_year

)

select * from final
