with

options as (

    select * from {{ ref('int_staff_survey__question_options') }}

),

final as (

    select
        org_code,
        survey_year,
        question_id,
        option_order,
        question_code,
        {{ dbt.concat(["'nss_'", 'question_id']) }} as indicator_code,
        option_label,
        -- A suppressed question publishes none of its options (one hidden option could be recovered by subtraction).
        case when is_question_suppressed then null else pct end as pct,
        case when is_question_suppressed then null else base_n end as base_n,
        is_question_suppressed as is_suppressed,
        is_favourable,
        item_score,
        response_scale

    from options

)

select * from final
