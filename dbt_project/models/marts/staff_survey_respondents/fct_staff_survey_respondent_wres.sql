{#-
    WRES indicators 5-8 computed from respondent-level survey data, per trust, survey year and ethnicity
    group (white, bme, not_stated): % harassed by patients or the public (5), % harassed by managers OR
    colleagues (6, respondent level), % believing in equal opportunities for progression (7), % discriminated
    against by a manager or colleagues (8). Reporting year = survey year + 1 (the WRES return they feed).
    Cells below var('respondent_min_base') are suppressed; within an indicator, complementary suppression
    (macro complementary_suppression) withholds the next smallest group whenever the suppressed groups are one,
    or rest on fewer than the minimum together, so that a whole-trust figure minus the shown groups reveals
    no group.
-#}
with

cells as (

    select * from {{ ref('int_respondents__wres_cells') }}

),

primary_flagged as (

    select
        cells.*,
        base_n < {{ var('respondent_min_base') }} as is_withheld
    from cells

),

flagged as (

    {{ complementary_suppression('primary_flagged', ['survey_year', 'org_code', 'indicator_code'], 'ethnicity_group') }}

),

final as (

    select
        org_code,
        survey_year,
        survey_year + 1 as reporting_year,
        indicator_code,
        ethnicity_group,
        case when is_withheld or is_secondary then null
             else cast(round(cast({{ safe_divide('100.0 * yes_n', 'base_n') }} as decimal(38, 12)), 4)
                  as {{ type_double() }}) end as pct,
        case when is_withheld or is_secondary then null else base_n end as base_n,
        is_withheld or is_secondary as is_suppressed,
        case when is_withheld then 'fewer_than_{{ var("respondent_min_base") }}'
             when is_secondary then 'secondary' end as suppression_reason
    from flagged

)

select * from final
