{#
    England, regional and benchmarking-group distributions of every score and question % positive: the
    median, quartiles, minimum and maximum over the organisations of the group (suppressed values left
    out), with the published national or regional figure from the national results file where it landed.
#}

with

scores as (

    select * from {{ ref('fct_staff_survey_scores') }}

),

questions as (

    select * from {{ ref('fct_staff_survey_questions') }}

),

organisation_years as (

    select * from {{ ref('int_staff_survey__organisation_years') }}

),

national_results as (

    select * from {{ ref('int_staff_survey__national_results') }}

),

organisation_values as (

    select org_code, survey_year, 'score' as result_kind, measure_code as code, indicator_code, score as value
    from scores
    where score is not null
    union all
    select org_code, survey_year, 'question' as result_kind, question_id as code, indicator_code,
        pct_positive as value
    from questions
    where pct_positive is not null

),

with_geography as (

    select
        organisation_values.*,
        organisation_years.benchmarking_group_code,
        organisation_years.benchmarking_group_org_kind,
        organisation_years.region_code

    from organisation_values
    inner join organisation_years
        on organisation_years.org_code = organisation_values.org_code
        and organisation_years.survey_year = organisation_values.survey_year

),

geographies as (

    -- England and regions: NHS trusts only, as the national results file reports them.
    select 'national' as geography_level, 'ENG' as geography_code, with_geography.*
    from with_geography
    where benchmarking_group_org_kind = 'trust'
    union all
    select 'region' as geography_level, region_code as geography_code, with_geography.*
    from with_geography
    where benchmarking_group_org_kind = 'trust' and region_code is not null
    union all
    select 'benchmark_group' as geography_level, benchmarking_group_code as geography_code, with_geography.*
    from with_geography
    where benchmarking_group_code is not null

),

distributions as (

    select
        geography_level,
        geography_code,
        survey_year,
        result_kind,
        code,
        indicator_code,
        count(*) as organisation_count,
        {{ value_distribution('value') }}

    from geographies
    group by geography_level, geography_code, survey_year, result_kind, code, indicator_code

),

published_figures as (

    select
        case when breakdown = 'All trusts' then 'national' else 'region' end as geography_level,
        case when breakdown = 'All trusts' then 'ENG' else region_code end as geography_code,
        survey_year,
        indicator_code,
        value,
        base_n

    from national_results
    where breakdown = 'All trusts' or (breakdown = 'Region' and region_code is not null)

),

final as (

    select
        distributions.geography_level,
        distributions.geography_code,
        distributions.survey_year,
        distributions.result_kind,
        distributions.code,
        distributions.indicator_code,
        distributions.organisation_count,
        -- No distribution from fewer organisations than the documented minimum.
        case when distributions.organisation_count >= {{ var('benchmark_min_organisations') }} then distributions.min_value end as min_value,
        case when distributions.organisation_count >= {{ var('benchmark_min_organisations') }} then distributions.p25_value end as p25_value,
        case when distributions.organisation_count >= {{ var('benchmark_min_organisations') }} then distributions.median_value end as median_value,
        case when distributions.organisation_count >= {{ var('benchmark_min_organisations') }} then distributions.p75_value end as p75_value,
        case when distributions.organisation_count >= {{ var('benchmark_min_organisations') }} then distributions.max_value end as max_value,
        published_figures.value as published_value,
        published_figures.base_n as published_base_n

    from distributions
    left join published_figures
        on published_figures.geography_level = distributions.geography_level
        and published_figures.geography_code = distributions.geography_code
        and published_figures.survey_year = distributions.survey_year
        and published_figures.indicator_code = distributions.indicator_code

)

select * from final
