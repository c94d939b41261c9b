{{ config(materialized="table") }}

{#-
    Occupation-group weights: a respondent in group g of organisation o counts
    share of g among the respondents of o's benchmarking group (that year) / share of g among o's respondents,
    capped at var('respondent_weight_cap'). Units published as 'Unweighted' (ICBs, CSUs) weigh 1. Respondents
    without an occupation group weigh 1 (they are not in this table; the scoring model defaults to 1).
    Organisations absent from the organisational results share the group 'unknown' of their year.
-#}
with

respondents as (

    select survey_year, org_code, occupation_group
    from {{ ref('stg_respondents__respondents') }}
    where occupation_group is not null

),

organisations as (

    select survey_year, org_code, benchmarking_group_label, weighting
    from {{ ref('stg_staff_survey__organisations') }}

),

counts as (

    select
        r.survey_year,
        r.org_code,
        coalesce(o.benchmarking_group_label, 'unknown') as benchmarking_group_label,
        coalesce(o.weighting, 'Occupation Group') as weighting,
        r.occupation_group,
        count(*) as n_respondents
    from respondents as r
    left join organisations as o
        on o.survey_year = r.survey_year and o.org_code = r.org_code
    group by 1, 2, 3, 4, 5

),

shares as (

    select
        *,
        {{ safe_divide('n_respondents', 'sum(n_respondents) over (partition by survey_year, org_code)') }}
            as org_share,
        {{ safe_divide('sum(n_respondents) over (partition by survey_year, benchmarking_group_label, occupation_group)',
                       'sum(n_respondents) over (partition by survey_year, benchmarking_group_label)') }}
            as group_share
    from counts

),

final as (

    select
        survey_year,
        org_code,
        occupation_group,
        benchmarking_group_label,
        weighting,
        n_respondents,
        org_share,
        group_share,
        case
            when weighting <> 'Occupation Group' then cast(1 as {{ type_double() }})
            when group_share / org_share > {{ var('respondent_weight_cap') }}
                then cast({{ var('respondent_weight_cap') }} as {{ type_double() }})
            else group_share / org_share
        end as weight
    from shares

)

select * from final
