{#-
    Scores per cell before suppression. Sub-scores (and PP2): weighted mean of the respondents' sub-scores.
    Elements and themes: mean of their sub-scores' scores in the same cell, leaving out sub-scores with fewer
    than var('respondent_min_base') responses; base = respondents with any of those sub-scores. The published
    mart recomputes elements from the sub-scores it shows (fct_staff_survey_respondent_scores); these are the
    values before any suppression.
-#}
with

cells as (

    select * from {{ ref('int_respondents__cells') }}

),


sub_scores as (

    select
        c.survey_year,
        c.org_code,
        c.breakdown,
        c.breakdown_group,
        c.measure_code,
        {{ respondent_parent_measure_sql('c.measure_code') }} as parent_measure_code,
        c.scored_from,
        {{ safe_divide('c.weighted_sum', 'c.weight_total') }} as score,
        c.base_n,
        c.follows_published_rule
    from cells as c
    where c.scored_from = 'items'

),

parent_scores as (

    select
        survey_year,
        org_code,
        breakdown,
        breakdown_group,
        parent_measure_code as measure_code,
        avg(score) as score
    from sub_scores
    where parent_measure_code is not null and base_n >= {{ var('respondent_min_base') }}
    group by survey_year, org_code, breakdown, breakdown_group, parent_measure_code

),

parents as (

    select
        c.survey_year,
        c.org_code,
        c.breakdown,
        c.breakdown_group,
        c.measure_code,
        cast(null as {{ dbt.type_string() }}) as parent_measure_code,
        c.scored_from,
        p.score,
        c.base_n,
        c.follows_published_rule
    from cells as c
    left join parent_scores as p
        on p.survey_year = c.survey_year and p.org_code = c.org_code and p.breakdown = c.breakdown
        and p.breakdown_group = c.breakdown_group and p.measure_code = c.measure_code
    where c.scored_from = 'sub_scores'

),

final as (

    select survey_year, org_code, breakdown, breakdown_group, measure_code, parent_measure_code, scored_from,
        score, base_n, follows_published_rule
    from sub_scores
    union all
    select survey_year, org_code, breakdown, breakdown_group, measure_code, parent_measure_code, scored_from,
        score, base_n, follows_published_rule
    from parents

)

select * from final
