{#
    The national results file as figures comparable with the organisational marts: per survey year,
    breakdown and subgroup, each question concept's % favourable (sum of the favourable options, as in
    fct_staff_survey_questions) and each score. Region subgroups carry the region code.
#}

with

national as (

    select * from {{ ref('stg_staff_survey__national_results') }}

),

crosswalk as (

    select * from {{ ref('staff_survey_question_crosswalk') }}

),

scales as (

    select * from {{ ref('staff_survey_response_scales') }}

),

nhs_regions as (

    select * from {{ ref('nhs_regions') }}

),

questions as (

    select
        national.survey_year,
        national.breakdown,
        national.breakdown_subgroup,
        'question' as result_kind,
        crosswalk.question_id as code,
        {{ dbt.concat(["'nss_'", 'crosswalk.question_id']) }} as indicator_code,
        case
            when max(case when national.is_suppressed then 1 else 0 end) = 1 then null
            when max(crosswalk.polarity) = 'neutral' then null
            else sum(case when scales.is_favourable then national.value else 0 end)
        end as value,
        max(national.base_n) as base_n,
        max(case when national.is_suppressed then 1 else 0 end) = 1 as is_suppressed

    from national
    inner join crosswalk
        on crosswalk.survey_year = national.survey_year
        and crosswalk.question_code = national.code
    left join scales
        on scales.response_scale = crosswalk.response_scale
        and lower(scales.option_label) = lower(national.option_label)
    where national.result_kind = 'question'
    group by national.survey_year, national.breakdown, national.breakdown_subgroup, crosswalk.question_id

),

scores as (

    select
        survey_year,
        breakdown,
        breakdown_subgroup,
        'score' as result_kind,
        code,
        {{ dbt.concat(["'nss_'", 'lower(code)']) }} as indicator_code,
        case when is_suppressed then null else value end as value,
        base_n,
        is_suppressed

    from national
    where result_kind = 'score'

),

unioned as (

    select * from questions
    union all
    select * from scores

),

final as (

    select
        unioned.*,
        nhs_regions.region_code

    from unioned
    left join nhs_regions
        on unioned.breakdown = 'Region'
        and lower(nhs_regions.region_name) = lower(unioned.breakdown_subgroup)

)

select * from final
