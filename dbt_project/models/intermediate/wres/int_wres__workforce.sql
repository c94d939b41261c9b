{#
    Workforce ethnicity per trust and reporting year: the indicator 1 headcounts summed over every staff
    group and band. The workforce BME share is BME / (White + BME); unknown ethnicity is left out of it and
    reported apart (docs/sources.md, WRES returns).
#}

with

returns as (

    select * from {{ ref('stg_wres__returns') }}

),

headcounts as (

    select
        org_code,
        reporting_year,
        cast(sum(case when ethnicity = 'white' then people_count else 0 end) as {{ dbt.type_bigint() }}) as white_headcount,
        cast(sum(case when ethnicity = 'bme' then people_count else 0 end) as {{ dbt.type_bigint() }}) as bme_headcount,
        cast(sum(case when ethnicity = 'unknown' then people_count else 0 end) as {{ dbt.type_bigint() }}) as unknown_headcount

    from returns
    where indicator_number = 1
      and measure = 'headcount'
    group by org_code, reporting_year

),

final as (

    select
        org_code,
        reporting_year,
        white_headcount,
        bme_headcount,
        unknown_headcount,
        white_headcount + bme_headcount + unknown_headcount as total_headcount,
        {{ safe_divide('100 * bme_headcount', 'white_headcount + bme_headcount') }} as workforce_bme_pct,
        {{ safe_divide('100 * unknown_headcount', 'white_headcount + bme_headcount + unknown_headcount') }}
            as unknown_ethnicity_pct

    from headcounts

)

select * from final
