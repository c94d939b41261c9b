{# Question option percentages with the question concept (crosswalk) and each option's favourability and item score. #}

with

options as (

    select * from {{ ref('stg_staff_survey__question_options') }}

),

crosswalk as (

    select * from {{ ref('staff_survey_question_crosswalk') }}

),

scales as (

    select * from {{ ref('staff_survey_response_scales') }}

),

question_bases as (

    -- A question is suppressed as a whole when its base is missing or under 10, or any of its options is
    -- suppressed (the hidden option could otherwise be recovered from the others).
    select
        org_code,
        survey_year,
        question_code,
        max(base_n) as base_n,
        max(case when is_suppressed then 1 else 0 end) = 1 as has_suppressed_option

    from options
    group by org_code, survey_year, question_code

),

final as (

    select
        options.org_code,
        options.survey_year,
        options.question_code,
        coalesce(crosswalk.question_id, {{ dbt.concat(["'unmapped_'", 'lower(options.question_code)']) }})
            as question_id,
        crosswalk.question_id is not null as is_mapped,
        coalesce(crosswalk.question_text, options.question_text) as question_text,
        coalesce(crosswalk.response_scale, 'nominal') as response_scale,
        coalesce(crosswalk.polarity, 'neutral') as polarity,
        crosswalk.favourable_options,
        coalesce(crosswalk.is_harm_item, false) as is_harm_item,
        coalesce(crosswalk.is_comparable_with_prior, false) as is_comparable_with_prior,
        case
            when crosswalk.question_id is null then 'Question code not in the crosswalk for this year.'
            else crosswalk.comparability_note
        end as comparability_note,
        options.option_order,
        options.option_label,
        options.pct,
        question_bases.base_n,
        options.is_suppressed as is_option_suppressed,
        question_bases.base_n is null
            or question_bases.base_n < 10
            or question_bases.has_suppressed_option as is_question_suppressed,
        coalesce(scales.is_favourable, false) as is_favourable,
        scales.item_score,
        coalesce(scales.is_never, false) as is_never,
        scales.option_label is not null as is_on_scale

    from options
    inner join question_bases
        on question_bases.org_code = options.org_code
        and question_bases.survey_year = options.survey_year
        and question_bases.question_code = options.question_code
    left join crosswalk
        on crosswalk.survey_year = options.survey_year
        and crosswalk.question_code = options.question_code
    left join scales
        on scales.response_scale = crosswalk.response_scale
        and lower(scales.option_label) = lower(options.option_label)

)

select * from final
