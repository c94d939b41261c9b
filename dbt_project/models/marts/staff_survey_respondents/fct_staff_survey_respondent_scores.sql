{#-
    Staff survey scores computed from respondent-level data: every organisation, year and measure, for the
    whole organisation and for each breakdown group (directorate, occupation group, ethnicity group, gender,
    disability).

    Privacy: no published cell, element, theme or total lets a reader recompute a suppressed value.
      1. A sub-score cell with fewer than var('respondent_min_base') responses is suppressed; within a breakdown,
         complementary suppression (macro complementary_suppression) withholds the next smallest cell while the
         suppressed cells are one, or rest on fewer than the minimum together (whole organisation minus the
         shown cells would reveal them).
      2. Elements and themes are computed here from the sub-scores shown: for the whole organisation, the mean
         of its sub-scores shown (those with the minimum of responses, as the organisational results do); in a
         breakdown group, the mean of those same sub-scores, shown only when every one of them is shown in the
         group (reason sub_score_suppressed otherwise). So an element never holds a suppressed sub-score
         (PP4_2 = 3 x PP4 - PP4_1 - PP4_3 recovers nothing), and a suppressed element cannot be recomputed from
         shown sub-scores.
      3. Elements and themes then get the same primary and complementary suppression on their own base.
    follows_published_rule (from int_respondents__cells) is false for a sub-score whose items include one no
    option scores (PP4_1: the 'reported it' items, rule not known) and for its element.
-#}
{%- set partition = ['survey_year', 'org_code', 'breakdown', 'measure_code'] -%}

with

scores as (

    select * from {{ ref('int_respondents__scores') }}

),

sub_score_cells as (

    select
        scores.*,
        base_n < {{ var('respondent_min_base') }} as is_withheld
    from scores
    where scored_from = 'items'

),

sub_scores_flagged as (

    {{ complementary_suppression('sub_score_cells', partition, 'breakdown_group') }}

),

sub_scores_shown as (

    select *
    from sub_scores_flagged
    where not is_withheld and not is_secondary and score is not null

),

organisation_parts as (

    -- The sub-scores the whole organisation's element is the mean of.
    select survey_year, org_code, parent_measure_code, count(*) as parts
    from sub_scores_shown
    where breakdown = 'all' and parent_measure_code is not null
    group by survey_year, org_code, parent_measure_code

),

cell_parts as (

    select
        shown.survey_year,
        shown.org_code,
        shown.breakdown,
        shown.breakdown_group,
        shown.parent_measure_code,
        count(*) as parts_shown,
        avg(shown.score) as score
    from sub_scores_shown as shown
    inner join sub_scores_shown as organisation
        on organisation.survey_year = shown.survey_year
        and organisation.org_code = shown.org_code
        and organisation.breakdown = 'all'
        and organisation.measure_code = shown.measure_code
    where shown.parent_measure_code is not null
    group by shown.survey_year, shown.org_code, shown.breakdown, shown.breakdown_group, shown.parent_measure_code

),

element_cells as (

    select
        scores.survey_year,
        scores.org_code,
        scores.breakdown,
        scores.breakdown_group,
        scores.measure_code,
        scores.parent_measure_code,
        scores.scored_from,
        case when cell_parts.parts_shown = organisation_parts.parts then cell_parts.score end as score,
        scores.base_n,
        scores.follows_published_rule,
        scores.base_n < {{ var('respondent_min_base') }} as is_primary,
        coalesce(cell_parts.parts_shown = organisation_parts.parts, false) as is_complete

    from scores
    left join organisation_parts
        on organisation_parts.survey_year = scores.survey_year
        and organisation_parts.org_code = scores.org_code
        and organisation_parts.parent_measure_code = scores.measure_code
    left join cell_parts
        on cell_parts.survey_year = scores.survey_year
        and cell_parts.org_code = scores.org_code
        and cell_parts.breakdown = scores.breakdown
        and cell_parts.breakdown_group = scores.breakdown_group
        and cell_parts.parent_measure_code = scores.measure_code
    where scores.scored_from = 'sub_scores'

),

element_withheld as (

    select
        element_cells.*,
        is_primary or not is_complete as is_withheld
    from element_cells

),

elements_flagged as (

    {{ complementary_suppression('element_withheld', partition, 'breakdown_group') }}

),

flagged as (

    select
        survey_year, org_code, breakdown, breakdown_group, measure_code, parent_measure_code, score, base_n,
        follows_published_rule,
        case
            when is_withheld then 'fewer_than_{{ var("respondent_min_base") }}'
            when is_secondary then 'secondary'
        end as suppression_reason
    from sub_scores_flagged

    union all

    select
        survey_year, org_code, breakdown, breakdown_group, measure_code, parent_measure_code, score, base_n,
        follows_published_rule,
        case
            when is_primary then 'fewer_than_{{ var("respondent_min_base") }}'
            when not is_complete then 'sub_score_suppressed'
            when is_secondary then 'secondary'
        end as suppression_reason
    from elements_flagged

),

final as (

    select
        f.org_code,
        f.survey_year,
        f.breakdown,
        f.breakdown_group,
        f.measure_code,
        {{ dbt.concat(["'nss_'", 'lower(f.measure_code)']) }} as indicator_code,
        case
            when f.measure_code in ('ENGAGEMENT', 'MORALE') then 'theme'
            when f.parent_measure_code is null then 'element'
            else 'sub_score'
        end as measure_level,
        case when f.suppression_reason is not null or f.score is null then null
             else cast(round(cast(f.score as decimal(38, 12)), 6) as {{ type_double() }}) end as score,
        case when f.suppression_reason is not null then null else f.base_n end as base_n,
        f.suppression_reason is not null as is_suppressed,
        f.suppression_reason,
        f.follows_published_rule
    from flagged as f

)

select * from final
