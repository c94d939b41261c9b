with

scores as (

    select * from {{ ref('stg_staff_survey__scores') }}

),

measures as (

    select * from {{ ref('staff_survey_measures') }}

),

organisation_years as (

    select * from {{ ref('int_staff_survey__organisation_years') }}

),

measure_comparability as (

    select * from {{ ref('int_staff_survey__measure_comparability') }}

),

scores_suppressed as (

    -- Fewer than 10 responses is never published, whatever the file says (docs/architecture.md, Privacy).
    select
        org_code,
        survey_year,
        measure_code,
        measure_name,
        is_suppressed or coalesce(base_n < 10, false) as is_suppressed,
        score,
        base_n

    from scores

),

published as (

    select
        scores_suppressed.org_code,
        scores_suppressed.survey_year,
        scores_suppressed.measure_code,
        scores_suppressed.measure_name,
        case when scores_suppressed.is_suppressed then null else scores_suppressed.score end as score,
        case when scores_suppressed.is_suppressed then null else scores_suppressed.base_n end as base_n,
        scores_suppressed.is_suppressed,
        organisation_years.benchmarking_group_code,
        coalesce(measure_comparability.is_comparable_with_prior, false) as is_comparable_with_prior,
        case
            when measure_comparability.measure_code is null then 'No question crosswalk for this survey year.'
            else measure_comparability.comparability_note
        end as comparability_note

    from scores_suppressed
    left join organisation_years
        on organisation_years.org_code = scores_suppressed.org_code
        and organisation_years.survey_year = scores_suppressed.survey_year
    left join measure_comparability
        on measure_comparability.measure_code = scores_suppressed.measure_code
        and measure_comparability.survey_year = scores_suppressed.survey_year

),

ranked as (

    select
        org_code,
        survey_year,
        measure_code,
        rank() over (
            partition by survey_year, measure_code, benchmarking_group_code
            order by score desc
        ) as rank_in_benchmarking_group,
        count(*) over (partition by survey_year, measure_code, benchmarking_group_code) as benchmarking_group_size

    from published
    where score is not null and benchmarking_group_code is not null

),

with_previous as (

    select
        published.*,
        lag(survey_year) over (partition by org_code, measure_code order by survey_year) as previous_year,
        lag(score) over (partition by org_code, measure_code order by survey_year) as previous_score

    from published

),

final as (

    select
        with_previous.org_code,
        with_previous.survey_year,
        with_previous.measure_code,
        {{ dbt.concat(["'nss_'", 'lower(with_previous.measure_code)']) }} as indicator_code,
        coalesce(measures.measure_name, with_previous.measure_name) as measure_name,
        measures.measure_level,
        measures.parent_measure_code,
        with_previous.score,
        with_previous.base_n,
        with_previous.is_suppressed,
        coalesce(measures.higher_is_better, true) as higher_is_better,
        with_previous.benchmarking_group_code,
        ranked.rank_in_benchmarking_group,
        ranked.benchmarking_group_size,
        with_previous.is_comparable_with_prior,
        coalesce(
            with_previous.previous_year = with_previous.survey_year - 1 and not with_previous.is_comparable_with_prior,
            false
        ) as is_trend_break,
        with_previous.comparability_note,
        case
            when with_previous.is_comparable_with_prior and with_previous.previous_year = with_previous.survey_year - 1
                then with_previous.previous_year
        end as prior_survey_year,
        case
            when with_previous.is_comparable_with_prior and with_previous.previous_year = with_previous.survey_year - 1
                then with_previous.score - with_previous.previous_score
        end as change_score,
        -- The publication gives each score's base but no spread, so no significance test is possible.
        cast(null as boolean) as is_change_significant,
        'not tested: scores are published without a standard deviation' as change_test

    from with_previous
    left join measures
        on measures.measure_code = with_previous.measure_code
    left join ranked
        on ranked.org_code = with_previous.org_code
        and ranked.survey_year = with_previous.survey_year
        and ranked.measure_code = with_previous.measure_code

)

select * from final
