{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'stg_staff_survey__organisations'}}}) }}

{# Every region name the staff survey uses should be in the seed nhs_regions (else region_code is null). #}

with

organisations as (

    select * from {{ ref('stg_staff_survey__organisations') }}

),

nhs_regions as (

    select * from {{ ref('nhs_regions') }}

),

final as (

    select distinct organisations.region_name
    from organisations
    left join nhs_regions
        on lower(nhs_regions.region_name) = lower(organisations.region_name)
    where organisations.region_name is not null
      and nhs_regions.region_code is null

)

select * from final
