{#-
    WRES indicators 5-8 from respondents, per organisation, survey year and ethnicity group (white, bme,
    not_stated), unweighted as WRES reports them: respondents answering (base) and those answering yes.
-#}
with

respondents as (

    select * from {{ ref('int_respondents__respondent_scores') }}

),

counts as (

    select
        survey_year,
        org_code,
        ethnicity_group,
        {%- for i in [5, 6, 7, 8] %}
        sum(wres_{{ i }}_flag) as yes_{{ i }},
        count(wres_{{ i }}_flag) as n_{{ i }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from respondents
    group by survey_year, org_code, ethnicity_group

),

final as (

    {%- for i in [5, 6, 7, 8] %}
    select
        survey_year,
        org_code,
        'wres_{{ i }}' as indicator_code,
        ethnicity_group,
        cast(coalesce(yes_{{ i }}, 0) as {{ dbt.type_int() }}) as yes_n,
        cast(n_{{ i }} as {{ dbt.type_int() }}) as base_n
    from counts
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from final
