{# One row per survey reporting unit and survey year, with the canonical benchmarking group and region code. #}

with

organisations as (

    select * from {{ ref('stg_staff_survey__organisations') }}

),

benchmarking_groups as (

    select * from {{ ref('benchmarking_groups') }}

),

nhs_regions as (

    select * from {{ ref('nhs_regions') }}

),

final as (

    select
        organisations.org_code,
        organisations.survey_year,
        organisations.org_name,
        organisations.benchmarking_group_label,
        benchmarking_groups.benchmarking_group_code,
        benchmarking_groups.benchmarking_group,
        benchmarking_groups.org_kind as benchmarking_group_org_kind,
        nhs_regions.region_code,
        organisations.region_name,
        organisations.ics_name,
        organisations.weighting,
        organisations.weighting = 'Occupation Group' as is_weighted

    from organisations
    left join benchmarking_groups
        on lower(benchmarking_groups.benchmarking_group_label) = lower(organisations.benchmarking_group_label)
    left join nhs_regions
        on lower(nhs_regions.region_name) = lower(organisations.region_name)

)

select * from final
