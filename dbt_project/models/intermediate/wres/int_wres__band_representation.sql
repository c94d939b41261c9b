{#
    WRES indicator 1, one row per trust, reporting year, staff group and band.
    white_value / bme_value: % of the band's White + BME staff (unknown left out);
    value: the band's BME % divided by the workforce BME % (representation ratio; 1 = proportionate).
#}

with

returns as (

    select * from {{ ref('stg_wres__returns') }}

),

workforce as (

    select * from {{ ref('int_wres__workforce') }}

),

band_counts as (

    select
        org_code,
        reporting_year,
        staff_group,
        band,
        cast(sum(case when ethnicity = 'white' then people_count else 0 end) as {{ dbt.type_bigint() }}) as white_count,
        cast(sum(case when ethnicity = 'bme' then people_count else 0 end) as {{ dbt.type_bigint() }}) as bme_count,
        cast(sum(case when ethnicity = 'unknown' then people_count else 0 end) as {{ dbt.type_bigint() }}) as unknown_count

    from returns
    where indicator_number = 1
      and measure = 'headcount'
    group by org_code, reporting_year, staff_group, band

),

band_shares as (

    select
        band_counts.*,
        {{ safe_divide('100 * white_count', 'white_count + bme_count') }} as white_pct,
        {{ safe_divide('100 * bme_count', 'white_count + bme_count') }} as bme_pct

    from band_counts

),

final as (

    select
        band_shares.org_code,
        band_shares.reporting_year,
        {{ dbt.concat(["'wres_1_'", 'band_shares.staff_group', "'_'", 'band_shares.band']) }} as indicator_code,
        1 as indicator_number,
        band_shares.staff_group,
        band_shares.band,
        band_shares.white_pct as white_value,
        band_shares.bme_pct as bme_value,
        {{ safe_divide('band_shares.bme_pct', 'workforce.workforce_bme_pct') }} as value,
        'ratio' as value_unit,
        cast(null as {{ type_double() }}) as ci_lower,
        cast(null as {{ type_double() }}) as ci_upper,
        cast(null as {{ dbt.type_boolean() }}) as is_non_adverse,
        cast(null as {{ dbt.type_boolean() }}) as spans_non_adverse_band,
        'closer_to_1' as direction_of_good,
        cast(band_shares.white_count as {{ type_double() }}) as white_numerator,
        band_shares.white_count + band_shares.bme_count as white_denominator,
        cast(band_shares.bme_count as {{ type_double() }}) as bme_numerator,
        band_shares.white_count + band_shares.bme_count as bme_denominator,
        {{ safe_divide(
            '100 * band_shares.unknown_count',
            'band_shares.white_count + band_shares.bme_count + band_shares.unknown_count'
        ) }} as unknown_ethnicity_pct,
        cast(null as {{ type_double() }}) as bme_to_white_ratio,
        cast(null as {{ dbt.type_int() }}) as survey_year

    from band_shares
    left join workforce
        on workforce.org_code = band_shares.org_code
        and workforce.reporting_year = band_shares.reporting_year

)

select * from final
