{#-
    WRES indicators 5-8 computed from respondent-level survey data, per trust, survey year and ethnicity
    group (white, bme, not_stated): % harassed by patients or the public (5), % harassed by managers OR
    colleagues (6, respondent level), % believing in equal opportunities for progression (7), % discriminated
    against by a manager or colleagues (8). Reporting year = survey year + 1 (the WRES return they feed).
    Cells below var('respondent_min_base') are suppressed; when exactly one ethnicity group of an indicator is,
    the next smallest is suppressed too (the published whole-trust question figure minus the others would
    reveal it).
-#}
with

cells as (

    select * from {{ ref('int_respondents__wres_cells') }}

),

primary_flagged as (

    select *, case when base_n < {{ var('respondent_min_base') }} then 1 else 0 end as is_primary
    from cells

),

ranked as (

    select
        *,
        sum(is_primary) over (partition by survey_year, org_code, indicator_code) as n_primary,
        count(*) over (partition by survey_year, org_code, indicator_code) as n_cells,
        row_number() over (partition by survey_year, org_code, indicator_code
                           order by is_primary, base_n, ethnicity_group) as size_rank
    from primary_flagged

),

final as (

    select
        org_code,
        survey_year,
        survey_year + 1 as reporting_year,
        indicator_code,
        ethnicity_group,
        case when is_primary = 1 or (n_primary = 1 and n_cells > 1 and size_rank = 1) then null
             else cast(round(cast({{ safe_divide('100.0 * yes_n', 'base_n') }} as decimal(38, 12)), 4)
                  as {{ type_double() }}) end as pct,
        case when is_primary = 1 or (n_primary = 1 and n_cells > 1 and size_rank = 1) then null
             else base_n end as base_n,
        (is_primary = 1 or (n_primary = 1 and n_cells > 1 and size_rank = 1)) as is_suppressed,
        case when is_primary = 1 then 'fewer_than_{{ var("respondent_min_base") }}'
             when n_primary = 1 and n_cells > 1 and size_rank = 1 then 'secondary' end as suppression_reason
    from ranked

)

select * from final
