{#
    The reconciliation of published sub-scores with the question-level results: each sub-score recomputed
    as the mean over its items (seed staff_survey_score_items) of the item score
    (docs/sources.md) and compared with the score the organisational results publish. The real 2024 file
    agrees within 0.04 for every reconcilable measure; a difference above 0.1 is flagged (a warning gate).
#}

with

question_results as (

    select * from {{ ref('int_staff_survey__question_results') }}

),

items as (

    select * from {{ ref('staff_survey_score_items') }}

),

scores as (

    -- A suppressed score (or one on fewer than 10 responses) is compared with nothing and published as null.
    select
        org_code,
        survey_year,
        measure_code,
        case when is_suppressed or coalesce(base_n < 10, false) then null else score end as score

    from {{ ref('stg_staff_survey__scores') }}

),

recomputed as (

    select
        question_results.org_code,
        question_results.survey_year,
        items.measure_code,
        max(case when items.is_reconcilable then 1 else 0 end) = 1 as is_reconcilable,
        max(items.reconciliation_note) as reconciliation_note,
        count(question_results.item_score) as items_scored,
        avg(question_results.item_score) as recomputed_score

    from items
    inner join question_results
        on question_results.question_id = items.question_id
    group by question_results.org_code, question_results.survey_year, items.measure_code

),

expected_items as (

    select
        measure_code,
        count(*) as items_expected

    from items
    group by measure_code

),

final as (

    select
        scores.org_code,
        scores.survey_year,
        scores.measure_code,
        scores.score as published_score,
        case when scores.score is null then null else recomputed.recomputed_score end as recomputed_score,
        scores.score - recomputed.recomputed_score as difference,
        abs(scores.score - recomputed.recomputed_score) as abs_difference,
        coalesce(recomputed.items_scored, 0) as items_scored,
        expected_items.items_expected,
        recomputed.is_reconcilable,
        recomputed.reconciliation_note,
        cast(0.1 as {{ type_double() }}) as tolerance,
        case
            when not recomputed.is_reconcilable then 'not_reconcilable'
            when scores.score is null or recomputed.recomputed_score is null
                or recomputed.items_scored < expected_items.items_expected then 'not_computable'
            when abs(scores.score - recomputed.recomputed_score) > 0.1 then 'outside_tolerance'
            else 'within_tolerance'
        end as reconciliation_status

    from scores
    inner join recomputed
        on recomputed.org_code = scores.org_code
        and recomputed.survey_year = scores.survey_year
        and recomputed.measure_code = scores.measure_code
    inner join expected_items
        on expected_items.measure_code = scores.measure_code

)

select * from final
