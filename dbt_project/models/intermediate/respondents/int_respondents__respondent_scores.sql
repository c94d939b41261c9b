{{ config(materialized="view") }}
-- depends_on: {{ ref('staff_survey_score_items') }}
-- depends_on: {{ ref('staff_survey_question_crosswalk') }}
-- depends_on: {{ ref('staff_survey_response_scales') }}
-- (the seeds above are read when the SQL is generated)


{#
    One row per respondent: weight, every sub-score (PP2 included) and the four WRES flags, in one pass over
    the respondent table (never unpivoted to 100 million cells).
    Item score: the year's question column mapped through its response scale (seeds); not answered, not
    applicable and don't know are null. Sub-score: mean of the scored items answered when at least
    ceil(var('respondent_min_answered_share') x n) of its n scored items are answered, else null.
    Appraisals (PP5_2) by the published rule: a respondent answering No to Q23a (no appraisal in the last 12
    months) scores 0, one who cannot remember is left out, the rest are scored from Q23b-d. The rule reconciles
    the real 2024 organisational results within 0.054 (the Q23b-d mean alone misses by up to 2.6).
-#}
{#- Q23a options (response scale appraisal_had): 1 Yes, 2 No, 3 Can't remember. -#}
{%- set appraisal = {'measure': 'PP5_2', 'question': 'q23a_appraisal', 'no': 2, 'cant_remember': 3} -%}
{%- set spec = respondent_item_map() -%}
{%- set wres = respondent_question_columns(['q14a_harassment_patients', 'q14b_harassment_managers',
                                             'q14c_harassment_colleagues', 'q15_equal_opportunities',
                                             'q16b_discrimination_colleagues', appraisal['question']]) -%}
{%- set question_ids = spec['items'].keys() | list | sort -%}

with

respondents as (

    select * from {{ ref('stg_respondents__respondents') }}

),

weights as (

    select survey_year, org_code, occupation_group, weight from {{ ref('int_respondents__weights') }}

),

items as (

    select
        survey_year,
        org_code,
        respondent_id,
        occupation_group,
        directorate,
        ethnicity_group,
        gender,
        disability,
        {%- for qid in question_ids %}
        {{ respondent_item_score(spec['items'][qid]) }} as i_{{ qid }},
        {%- endfor %}
        {{ respondent_answer(wres.get('q14a_harassment_patients')) }} as a_q14a,
        {{ respondent_answer(wres.get('q14b_harassment_managers')) }} as a_q14b,
        {{ respondent_answer(wres.get('q14c_harassment_colleagues')) }} as a_q14c,
        {{ respondent_answer(wres.get('q15_equal_opportunities')) }} as a_q15,
        {{ respondent_answer(wres.get('q16b_discrimination_colleagues')) }} as a_q16b,
        {{ respondent_answer(wres.get(appraisal['question'])) }} as a_appraisal
    from respondents

),

final as (

    select
        i.survey_year,
        i.org_code,
        i.respondent_id,
        i.occupation_group,
        i.directorate,
        i.ethnicity_group,
        i.gender,
        i.disability,
        coalesce(w.weight, cast(1 as {{ type_double() }})) as weight,
        {%- for measure, members in spec['measures'].items() | sort %}
        {%- set n_required = (members | length * var('respondent_min_answered_share')) | round(0, 'ceil') | int %}
        case
            {%- if measure == appraisal['measure'] %}
            when i.a_appraisal = {{ appraisal['no'] }} then 0
            when i.a_appraisal = {{ appraisal['cant_remember'] }} then null
            {%- endif %}
            when ({% for qid in members %}(case when i.i_{{ qid }} is not null then 1 else 0 end){% if not loop.last %} + {% endif %}{% endfor %}) >= {{ [n_required, 1] | max }}
            then ({% for qid in members %}coalesce(i.i_{{ qid }}, 0){% if not loop.last %} + {% endif %}{% endfor %})
                / ({% for qid in members %}(case when i.i_{{ qid }} is not null then 1 else 0 end){% if not loop.last %} + {% endif %}{% endfor %})
        end as s_{{ measure | lower }},
        {%- endfor %}
        {#- WRES 5-8 (1 = yes, 0 = no, null = not answered): harassment from patients (Q14a at least once), from
            managers or colleagues (Q14b or Q14c at least once, among those answering either), equal
            opportunities (Q15 Yes of Yes / No / Don't know), discrimination from manager or colleagues (Q16b Yes). #}
        case when i.a_q14a is null then null when i.a_q14a > 1 then 1 else 0 end as wres_5_flag,
        case
            when i.a_q14b is null and i.a_q14c is null then null
            when i.a_q14b > 1 or i.a_q14c > 1 then 1
            else 0
        end as wres_6_flag,
        case when i.a_q15 is null then null when i.a_q15 = 1 then 1 else 0 end as wres_7_flag,
        case when i.a_q16b is null then null when i.a_q16b = 1 then 1 else 0 end as wres_8_flag
    from items as i
    left join weights as w
        on w.survey_year = i.survey_year and w.org_code = i.org_code and w.occupation_group = i.occupation_group

)

select * from final
