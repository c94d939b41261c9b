{#
    Whether each score measure in each survey year is comparable with the previous survey year, derived from
    its questions: a sub-score is comparable when every one of its items is asked that year and marked
    comparable by the crosswalk; an element or theme when every one of its sub-scores is.
#}

with

crosswalk as (

    select * from {{ ref('staff_survey_question_crosswalk') }}

),

items as (

    select * from {{ ref('staff_survey_score_items') }}

),

measures as (

    select * from {{ ref('staff_survey_measures') }}

),

years as (

    select distinct survey_year from crosswalk

),

expected_items as (

    select measure_code, count(*) as items_expected
    from items
    group by measure_code

),

leaf_measures as (

    select
        expected_items.measure_code,
        years.survey_year,
        count(crosswalk.question_id) = max(expected_items.items_expected)
            and min(case when crosswalk.is_comparable_with_prior then 1 else 0 end) = 1 as is_comparable_with_prior,
        case
            when count(crosswalk.question_id) < max(expected_items.items_expected)
                then 'Not every item of the measure was asked this year.'
            else max(case when not crosswalk.is_comparable_with_prior then crosswalk.comparability_note end)
        end as comparability_note

    from expected_items
    cross join years
    inner join items
        on items.measure_code = expected_items.measure_code
    left join crosswalk
        on crosswalk.question_id = items.question_id
        and crosswalk.survey_year = years.survey_year
    group by expected_items.measure_code, years.survey_year

),

parent_measures as (

    select
        measures.parent_measure_code as measure_code,
        leaf_measures.survey_year,
        min(case when leaf_measures.is_comparable_with_prior then 1 else 0 end) = 1 as is_comparable_with_prior,
        max(leaf_measures.comparability_note) as comparability_note

    from leaf_measures
    inner join measures
        on measures.measure_code = leaf_measures.measure_code
    where measures.parent_measure_code is not null
    group by measures.parent_measure_code, leaf_measures.survey_year

),

final as (

    select measure_code, survey_year, is_comparable_with_prior, comparability_note from leaf_measures
    where measure_code not in (select measure_code from parent_measures)
    union all
    select measure_code, survey_year, is_comparable_with_prior, comparability_note from parent_measures

)

select * from final
