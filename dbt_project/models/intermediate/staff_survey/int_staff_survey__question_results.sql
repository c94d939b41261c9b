{#
    One row per reporting unit, survey year and question concept: % favourable (sum of the favourable
    options' percentages), % Never for incident counts, and the item score 0-10 (docs/sources.md, Item scores:
    sum(option % x option score) / sum(option % of scored options)) used to recompute sub-scores.
    % favourable and % Never stay unsuppressed here; the marts null them when suppressed. The item score is
    null for a suppressed question.
#}

with

options as (

    select * from {{ ref('int_staff_survey__question_options') }}

),

final as (

    select
        org_code,
        survey_year,
        question_id,
        max(question_code) as question_code,
        max(question_text) as question_text,
        max(response_scale) as response_scale,
        max(polarity) as polarity,
        max(favourable_options) as favourable_options,
        max(case when is_harm_item then 1 else 0 end) = 1 as is_harm_item,
        max(case when is_mapped then 1 else 0 end) = 1 as is_mapped,
        max(case when is_comparable_with_prior then 1 else 0 end) = 1 as is_comparable_with_prior,
        max(comparability_note) as comparability_note,
        max(base_n) as base_n,
        max(case when is_question_suppressed then 1 else 0 end) = 1 as is_suppressed,
        count(*) as option_count,
        sum(case when not is_on_scale then 1 else 0 end) as options_off_scale,
        case
            when max(polarity) = 'neutral' then null
            else sum(case when is_favourable then pct else 0 end)
        end as pct_favourable,
        case
            when max(case when is_harm_item then 1 else 0 end) = 1
                then max(case when is_never then pct end)
        end as pct_never,
        case
            when max(case when is_question_suppressed then 1 else 0 end) = 1 then null
            else {{ safe_divide(
                'sum(case when item_score is not null then pct * item_score end)',
                'sum(case when item_score is not null then pct end)'
            ) }}
        end as item_score

    from options
    group by org_code, survey_year, question_id

)

select * from final
