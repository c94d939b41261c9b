{#-
    Staff survey scores computed from respondent-level data: every organisation, year and measure, for the
    whole organisation and for each breakdown group (directorate, occupation group, ethnicity group, gender,
    disability). Privacy: a cell with fewer than var('respondent_min_base') responses is suppressed (score and
    base null); within a breakdown of an organisation, when exactly one cell of a measure is suppressed the
    next smallest cell is suppressed too, because the whole-organisation figure minus the others would reveal it.
-#}
with

scores as (

    select * from {{ ref('int_respondents__scores') }}

),

primary_flagged as (

    select
        *,
        case when base_n < {{ var('respondent_min_base') }} then 1 else 0 end as is_primary
    from scores

),

ranked as (

    select
        *,
        sum(is_primary) over (partition by survey_year, org_code, breakdown, measure_code) as n_primary,
        count(*) over (partition by survey_year, org_code, breakdown, measure_code) as n_cells,
        row_number() over (partition by survey_year, org_code, breakdown, measure_code
                           order by is_primary, base_n, breakdown_group) as size_rank
    from primary_flagged

),

flagged as (

    select
        *,
        case
            when breakdown <> 'all' and is_primary = 0 and n_primary = 1 and n_cells > 1 and size_rank = 1 then 1
            else 0
        end as is_secondary
    from ranked

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
            when {{ respondent_parent_measure_sql('f.measure_code') }} is null then 'element'
            else 'sub_score'
        end as measure_level,
        case when f.is_primary = 1 or f.is_secondary = 1 or f.score is null then null
             else cast(round(cast(f.score as decimal(38, 12)), 6) as {{ type_double() }}) end as score,
        case when f.is_primary = 1 or f.is_secondary = 1 then null else f.base_n end as base_n,
        (f.is_primary = 1 or f.is_secondary = 1) as is_suppressed,
        case when f.is_primary = 1 then 'fewer_than_{{ var("respondent_min_base") }}'
             when f.is_secondary = 1 then 'secondary' end as suppression_reason
    from flagged as f

)

select * from final
