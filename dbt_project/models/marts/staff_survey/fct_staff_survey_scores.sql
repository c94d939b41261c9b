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

scores_suppressed as (

    -- Fewer than 10 responses is never published, whatever the file says (DESIGN.md, Privacy).
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

final as (

    select
        scores_suppressed.org_code,
        scores_suppressed.survey_year,
        scores_suppressed.measure_code,
        {{ dbt.concat(["'nss_'", 'lower(scores_suppressed.measure_code)']) }} as indicator_code,
        coalesce(measures.measure_name, scores_suppressed.measure_name) as measure_name,
        measures.measure_level,
        measures.parent_measure_code,
        case when scores_suppressed.is_suppressed then null else scores_suppressed.score end as score,
        case when scores_suppressed.is_suppressed then null else scores_suppressed.base_n end as base_n,
        scores_suppressed.is_suppressed,
        coalesce(measures.higher_is_better, true) as higher_is_better,
        organisation_years.benchmarking_group_code

    from scores_suppressed
    left join measures
        on measures.measure_code = scores_suppressed.measure_code
    left join organisation_years
        on organisation_years.org_code = scores_suppressed.org_code
        and organisation_years.survey_year = scores_suppressed.survey_year

)

select * from final
