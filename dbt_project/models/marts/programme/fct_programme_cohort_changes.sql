{#
    Before and after a programme, against peers: a difference in differences per cohort organisation and
    headline indicator (People Promise elements and themes, WRES 5-8: the survey-based measures a culture
    programme sets out to move). See the model description for the method.
#}
with

cohorts as (

    select * from {{ ref('programme_cohorts') }}

),

indicators as (

    select * from {{ ref('fct_well_led_indicators') }}

),

catalogue as (

    select * from {{ ref('dim_indicator') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}

),

staff_survey_measures as (

    select * from {{ ref('staff_survey_measures') }}

),

headline_indicators as (

    select
        {{ dbt.concat(["'nss_'", 'lower(measure_code)']) }} as indicator_code
    from staff_survey_measures
    where measure_level in ('element', 'theme')

    union all

    select indicator_code
    from catalogue
    where indicator_code in ('wres_5', 'wres_6', 'wres_7', 'wres_8')

),

-- The survey year behind each value: WRES 5-8 of reporting year Y come from the survey of year Y - 1.
values_by_survey as (

    select
        indicators.org_code,
        indicators.period,
        indicators.indicator_code,
        indicators.value,
        case when indicators.source_table = 'fct_wres_indicators' then indicators.period - 1
            else indicators.period end as survey_year
    from indicators
    inner join headline_indicators
        on indicators.indicator_code = headline_indicators.indicator_code
    where indicators.value is not null

),

cohort_indicators as (

    select
        cohorts.cohort,
        cohorts.org_code,
        cohorts.start_date,
        cohorts.end_date,
        extract(year from cohorts.start_date) as start_year,
        extract(month from cohorts.start_date) as start_month,
        headline_indicators.indicator_code
    from cohorts
    -- a cohort organisation the warehouse does not hold has nothing to show
    inner join organisations
        on cohorts.org_code = organisations.org_code
    cross join headline_indicators

),

-- Fieldwork runs September to November: a survey year is before the start when its fieldwork closed before
-- the start date, and after it when its fieldwork opened on or after the start date.
trust_periods as (

    select
        cohort_indicators.cohort,
        cohort_indicators.org_code,
        cohort_indicators.indicator_code,
        values_by_survey.period,
        values_by_survey.value,
        case
            when values_by_survey.survey_year < cohort_indicators.start_year
                or (values_by_survey.survey_year = cohort_indicators.start_year
                    and cohort_indicators.start_month = 12) then 'before'
            when values_by_survey.survey_year > cohort_indicators.start_year
                or (values_by_survey.survey_year = cohort_indicators.start_year
                    and cohort_indicators.start_month <= 9) then 'after'
        end as phase
    from cohort_indicators
    inner join values_by_survey
        on cohort_indicators.org_code = values_by_survey.org_code
        and cohort_indicators.indicator_code = values_by_survey.indicator_code

),

trust_periods_ranked as (

    select
        trust_periods.*,
        row_number() over (
            partition by cohort, org_code, indicator_code, phase order by period desc
        ) as recency
    from trust_periods
    where phase is not null

),

trust_changes as (

    select
        before_rows.cohort,
        before_rows.org_code,
        before_rows.indicator_code,
        before_rows.period as before_period,
        before_rows.value as before_value,
        after_rows.period as latest_period,
        after_rows.value as latest_value
    from trust_periods_ranked as before_rows
    inner join trust_periods_ranked as after_rows
        on before_rows.cohort = after_rows.cohort
        and before_rows.org_code = after_rows.org_code
        and before_rows.indicator_code = after_rows.indicator_code
        and after_rows.phase = 'after'
        and after_rows.recency = 1
    inner join catalogue
        on before_rows.indicator_code = catalogue.indicator_code
    where before_rows.phase = 'before'
        and before_rows.recency = 1
        and (catalogue.comparable_from_year is null or catalogue.comparable_from_year <= before_rows.period)
        and (catalogue.comparable_to_year is null or catalogue.comparable_to_year >= after_rows.period)

),

-- Peers: every other organisation with a value in both periods, outside the cohort.
peer_changes as (

    select
        trust_changes.cohort,
        trust_changes.org_code,
        trust_changes.indicator_code,
        peer_organisations.org_kind as peer_org_kind,
        peer_organisations.benchmarking_group_code as peer_group_code,
        peer_before.value as before_value,
        peer_latest.value as latest_value,
        peer_latest.value - peer_before.value as change
    from trust_changes
    inner join values_by_survey as peer_before
        on trust_changes.indicator_code = peer_before.indicator_code
        and trust_changes.before_period = peer_before.period
        and trust_changes.org_code <> peer_before.org_code
    inner join values_by_survey as peer_latest
        on peer_before.org_code = peer_latest.org_code
        and peer_before.indicator_code = peer_latest.indicator_code
        and trust_changes.latest_period = peer_latest.period
    inner join organisations as peer_organisations
        on peer_before.org_code = peer_organisations.org_code
    left join cohorts as peer_cohorts
        on trust_changes.cohort = peer_cohorts.cohort
        and peer_before.org_code = peer_cohorts.org_code
    where peer_cohorts.org_code is null

),

comparator_candidates as (

    select
        peer_changes.cohort,
        peer_changes.org_code,
        peer_changes.indicator_code,
        'benchmark_group' as comparator_level,
        organisations.benchmarking_group_code as comparator_code,
        1 as preference,
        count(*) as peer_count,
        avg(peer_changes.before_value) as before_mean,
        avg(peer_changes.latest_value) as latest_mean,
        avg(peer_changes.change) as change_mean,
        stddev_samp(peer_changes.change) as change_sd
    from peer_changes
    inner join organisations
        on peer_changes.org_code = organisations.org_code
    where peer_changes.peer_group_code = organisations.benchmarking_group_code
    group by 1, 2, 3, 4, 5, 6

    union all

    select
        peer_changes.cohort,
        peer_changes.org_code,
        peer_changes.indicator_code,
        'england' as comparator_level,
        'ENG' as comparator_code,
        2 as preference,
        count(*) as peer_count,
        avg(peer_changes.before_value) as before_mean,
        avg(peer_changes.latest_value) as latest_mean,
        avg(peer_changes.change) as change_mean,
        stddev_samp(peer_changes.change) as change_sd
    from peer_changes
    inner join organisations
        on peer_changes.org_code = organisations.org_code
    where peer_changes.peer_org_kind = 'trust'
        and organisations.org_kind = 'trust'
    group by 1, 2, 3, 4, 5, 6

),

comparators_ranked as (

    select
        comparator_candidates.*,
        row_number() over (
            partition by cohort, org_code, indicator_code order by preference
        ) as choice
    from comparator_candidates
    where peer_count >= 5

),

comparators as (

    select * from comparators_ranked where choice = 1

),

estimates as (

    select
        trust_changes.*,
        trust_changes.latest_value - trust_changes.before_value as trust_change,
        comparators.comparator_level,
        comparators.comparator_code,
        comparators.peer_count,
        comparators.before_mean,
        comparators.latest_mean,
        comparators.change_mean,
        comparators.change_sd,
        (trust_changes.latest_value - trust_changes.before_value) - comparators.change_mean
            as difference_in_differences,
        comparators.change_sd
            * sqrt(1 + 1 / cast(comparators.peer_count as {{ wellled.type_double() }})) as standard_error,
        {{ wellled.t_quantile_975('comparators.peer_count - 1') }} as t_multiplier
    from trust_changes
    left join comparators
        on trust_changes.cohort = comparators.cohort
        and trust_changes.org_code = comparators.org_code
        and trust_changes.indicator_code = comparators.indicator_code

),

final as (

    select
        cohort_indicators.cohort,
        cohort_indicators.org_code,
        cohort_indicators.indicator_code,
        cohort_indicators.start_date as programme_start_date,
        cohort_indicators.end_date as programme_end_date,
        catalogue.unit,
        catalogue.direction_of_good,
        estimates.before_period,
        estimates.latest_period,
        estimates.before_value,
        estimates.latest_value,
        estimates.trust_change,
        estimates.comparator_level,
        estimates.comparator_code,
        estimates.peer_count as comparator_org_count,
        estimates.before_mean as comparator_before_mean,
        estimates.latest_mean as comparator_latest_mean,
        estimates.change_mean as comparator_change,
        estimates.change_sd as comparator_change_sd,
        estimates.difference_in_differences,
        estimates.standard_error,
        estimates.peer_count - 1 as degrees_of_freedom,
        estimates.difference_in_differences - estimates.t_multiplier * estimates.standard_error as ci_lower,
        estimates.difference_in_differences + estimates.t_multiplier * estimates.standard_error as ci_upper,
        case
            when estimates.before_period is null then 'not_estimable'
            when estimates.comparator_level is null then 'not_estimable'
            when catalogue.direction_of_good not in ('higher', 'lower') then 'no_direction'
            when estimates.difference_in_differences - estimates.t_multiplier * estimates.standard_error > 0
                then case catalogue.direction_of_good when 'higher' then 'better_than_peers'
                    else 'worse_than_peers' end
            when estimates.difference_in_differences + estimates.t_multiplier * estimates.standard_error < 0
                then case catalogue.direction_of_good when 'lower' then 'better_than_peers'
                    else 'worse_than_peers' end
            else 'no_significant_difference'
        end as relative_change,
        case
            when estimates.before_period is null
                then 'no comparable value both before the start and after it'
            when estimates.comparator_level is null
                then 'fewer than 5 peers with a value in both periods'
        end as not_estimable_reason
    from cohort_indicators
    inner join catalogue
        on cohort_indicators.indicator_code = catalogue.indicator_code
    left join estimates
        on cohort_indicators.cohort = estimates.cohort
        and cohort_indicators.org_code = estimates.org_code
        and cohort_indicators.indicator_code = estimates.indicator_code

)

select * from final
