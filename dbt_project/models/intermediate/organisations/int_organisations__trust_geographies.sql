{#
    The geographies each NHS trust is benchmarked in: England (national, ENG), its NHS England region, and its
    staff survey benchmarking group. A trust surveyed only through split units takes their group when they
    share one; otherwise it is in no group. Trusts only (org_kind trust): ICBs, CSUs and other bodies are
    never pooled with trusts.
#}

with

organisations as (

    select * from {{ ref('int_organisations__organisations') }}

),

unit_groups as (

    select
        legal_org_code as org_code,
        min(benchmarking_group_code) as unit_group_code,
        min(benchmarking_group) as unit_group_name

    from organisations
    where org_kind = 'split_unit'
      and benchmarking_group_code is not null
    group by legal_org_code
    having count(distinct benchmarking_group_code) = 1

),

trusts as (

    select
        organisations.org_code,
        organisations.nation,
        organisations.region_code,
        organisations.region_name,
        coalesce(organisations.benchmarking_group_code, unit_groups.unit_group_code) as group_code,
        coalesce(organisations.benchmarking_group, unit_groups.unit_group_name) as group_name

    from organisations
    left join unit_groups
        on unit_groups.org_code = organisations.org_code
    where organisations.org_kind = 'trust'

),

final as (

    select org_code, 'national' as geography_level, 'ENG' as geography_code, 'England' as geography_name
    from trusts
    where nation = 'England'

    union all

    select org_code, 'region' as geography_level, region_code as geography_code, region_name as geography_name
    from trusts
    where region_code is not null

    union all

    select org_code, 'benchmark_group' as geography_level, group_code as geography_code, group_name as geography_name
    from trusts
    where group_code is not null

)

select * from final
