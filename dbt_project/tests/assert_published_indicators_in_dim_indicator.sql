{{ config(meta={'dagster': {'ref': {'name': 'dim_indicator'}}}) }}
{#
    The catalogue gate: every indicator_code of every published fact table (staff survey scores, questions and
    question options, WRES indicators, the board measures of fct_board_composition as the scorecard unpivots
    them, the scorecard itself, and the scores and WRES figures computed from respondent-level data) has a dim_indicator row, and every one but an unmapped staff survey
    question (question_id 'unmapped_<code>', shown with is_catalogued false) has a seeded catalogue row with
    a name, a definition, a source, a unit, a direction of good and, when it is assessed, a quality statement.
    One row per failing code; the build (and so publication) fails on any.
#}

with

published_codes as (

    select distinct indicator_code, 'fct_staff_survey_scores' as found_in from {{ ref('fct_staff_survey_scores') }}
    union all
    select distinct indicator_code, 'fct_staff_survey_questions' from {{ ref('fct_staff_survey_questions') }}
    union all
    select distinct indicator_code, 'fct_staff_survey_question_options' from {{ ref('fct_staff_survey_question_options') }}
    union all
    select distinct indicator_code, 'fct_wres_indicators' from {{ ref('fct_wres_indicators') }}
    union all
    select distinct indicator_code, 'fct_board_composition' from {{ ref('int_well_led__indicator_values') }}
    where source_table = 'fct_board_composition'
    union all
    select distinct indicator_code, 'fct_well_led_indicators' from {{ ref('fct_well_led_indicators') }}
    union all
    select distinct indicator_code, 'fct_staff_survey_respondent_scores'
    from {{ ref('fct_staff_survey_respondent_scores') }}
    union all
    select distinct indicator_code, 'fct_staff_survey_respondent_wres' from {{ ref('fct_staff_survey_respondent_wres') }}
    union all
    select distinct indicator_code, 'outcome sources' from {{ ref('int_outcomes__indicator_values') }}

),

indicators as (

    select * from {{ ref('dim_indicator') }}

),

final as (

    select
        published_codes.indicator_code,
        published_codes.found_in,
        case
            when indicators.indicator_code is null then 'no dim_indicator row'
            when not indicators.is_catalogued and published_codes.indicator_code not like 'nss_unmapped%'
                then 'not in the seeded catalogue (only unmapped survey questions may be)'
            when indicators.is_catalogued and (
                indicators.indicator_name is null or indicators.definition is null or indicators.source is null
                or indicators.unit is null or indicators.direction_of_good is null
                or indicators.assessment_method is null
                or (indicators.assessment_method <> 'not_assessed' and indicators.quality_statements is null)
            ) then 'catalogue row incomplete'
        end as problem

    from published_codes
    left join indicators
        on indicators.indicator_code = published_codes.indicator_code

)

select * from final
where problem is not null
