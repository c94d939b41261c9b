{{ config(materialized="table") }}
-- depends_on: {{ ref('staff_survey_score_items') }}
-- depends_on: {{ ref('staff_survey_question_crosswalk') }}
-- depends_on: {{ ref('staff_survey_response_scales') }}
-- (the seeds above are read when the SQL is generated)

{#
    Weighted sums per cell: organisation x year x breakdown group x sub-score, for the whole organisation
    (breakdown 'all') and each breakdown in var('respondent_breakdowns'); a missing group value is 'not_stated'
    (directorate: only for organisations that record directorates). Elements and themes get the number of
    respondents with any of their sub-scores (their base). Aggregated wide, then unpivoted: cells are few.
-#}
{%- set spec = respondent_item_map() -%}
{%- set measures = spec['measures'].keys() | list | sort -%}
{%- set parents = {} -%}
{%- for m in measures -%}
    {%- set parent = respondent_parent_measure(m) -%}
    {%- if parent -%}
        {%- if parent not in parents %}{% do parents.update({parent: []}) %}{% endif -%}
        {%- do parents[parent].append(m) -%}
    {%- endif -%}
{%- endfor -%}
{%- set breakdowns = ['all'] + var('respondent_breakdowns') -%}
{#- Sub-scores that cannot reproduce the published score (an item no option scores, e.g. PP4_1), and their
    elements and themes. -#}
{%- set unreproducible = respondent_unreproducible_measures() -%}
{%- set unreproducible_parents = [] -%}
{%- for m in unreproducible %}{% do unreproducible_parents.append(respondent_parent_measure(m)) %}{% endfor -%}

with

respondents as (

    select
        *,
        {%- for breakdown in breakdowns[1:] %}
        coalesce({{ breakdown }}, 'not_stated') as group_{{ breakdown }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('int_respondents__respondent_scores') }}

),

{#- One scan for every breakdown (grouping sets), so the respondents' scores are computed once and never
    stored: the breakdown of a row is its one grouped column, none for 'all'. #}
grouped as materialized (

    select
        survey_year,
        org_code,
        case
            {%- for breakdown in breakdowns[1:] %}
            when grouping(group_{{ breakdown }}) = 0 then '{{ breakdown }}'
            {%- endfor %}
            else 'all'
        end as breakdown,
        coalesce({% for breakdown in breakdowns[1:] %}group_{{ breakdown }}, {% endfor %}'all') as breakdown_group,
        count(directorate) as directorates_recorded,
        {%- for m in measures %}
        sum(weight * s_{{ m | lower }}) as ws_{{ m | lower }},
        sum(case when s_{{ m | lower }} is not null then weight end) as wt_{{ m | lower }},
        count(s_{{ m | lower }}) as n_{{ m | lower }},
        {%- endfor %}
        {%- for parent, children in parents.items() | sort %}
        sum(case when {% for c in children %}s_{{ c | lower }} is not null{% if not loop.last %} or {% endif %}{% endfor %} then 1 else 0 end) as n_{{ parent | lower }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from respondents
    group by grouping sets (
        (survey_year, org_code),
        {%- for breakdown in breakdowns[1:] %}
        (survey_year, org_code, group_{{ breakdown }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    )

),

{#- Directorate groups only for organisations that record directorates. #}
wide as materialized (

    select g.*
    from grouped as g
    where g.breakdown <> 'directorate'
        or exists (
            select 1 from grouped as a
            where a.breakdown = 'all' and a.survey_year = g.survey_year and a.org_code = g.org_code
                and a.directorates_recorded > 0
        )

),

final as (

    {%- for m in measures %}
    select survey_year, org_code, breakdown, breakdown_group, '{{ m }}' as measure_code, 'items' as scored_from,
           ws_{{ m | lower }} as weighted_sum, wt_{{ m | lower }} as weight_total,
           cast(n_{{ m | lower }} as {{ dbt.type_int() }}) as base_n,
           {{ 'false' if m in unreproducible else 'true' }} as follows_published_rule
    from wide
    union all
    {%- endfor %}
    {%- for parent in parents.keys() | sort %}
    select survey_year, org_code, breakdown, breakdown_group, '{{ parent }}' as measure_code,
           'sub_scores' as scored_from,
           cast(null as {{ type_double() }}) as weighted_sum, cast(null as {{ type_double() }}) as weight_total,
           cast(n_{{ parent | lower }} as {{ dbt.type_int() }}) as base_n,
           {{ 'false' if parent in unreproducible_parents else 'true' }} as follows_published_rule
    from wide
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from final
