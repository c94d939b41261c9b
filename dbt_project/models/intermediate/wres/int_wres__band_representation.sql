{#
    WRES indicator 1, one row per trust, reporting year, staff group and band.
    white_value / bme_value: % of the band's White + BME staff (unknown left out);
    value: the band's BME % divided by the workforce BME % (representation ratio; 1 = proportionate), with a
    95% interval from the Wilson interval of the band's BME share, the workforce share (a whole-trust figure
    from far more people) taken as fixed.
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

ratios as (

    select
        band_shares.*,
        workforce.workforce_bme_pct,
        {{ safe_divide('band_shares.bme_pct', 'workforce.workforce_bme_pct') }} as representation_ratio,
        {{ safe_divide(
            '100 * ' ~ wilson_interval('band_shares.bme_pct / 100', 'band_shares.white_count + band_shares.bme_count', 'lower'),
            'workforce.workforce_bme_pct'
        ) }} as wilson_lower,
        {{ safe_divide(
            '100 * ' ~ wilson_interval('band_shares.bme_pct / 100', 'band_shares.white_count + band_shares.bme_count', 'upper'),
            'workforce.workforce_bme_pct'
        ) }} as wilson_upper

    from band_shares
    left join workforce
        on workforce.org_code = band_shares.org_code
        and workforce.reporting_year = band_shares.reporting_year

),

final as (

    select
        ratios.org_code,
        ratios.reporting_year,
        {{ dbt.concat(["'wres_1_'", 'ratios.staff_group', "'_'", 'ratios.band']) }} as indicator_code,
        1 as indicator_number,
        ratios.staff_group,
        ratios.band,
        ratios.white_pct as white_value,
        ratios.bme_pct as bme_value,
        ratios.representation_ratio as value,
        -- Floating-point rounding at a share of 0 or 100% must not leave the estimate outside its interval.
        case when ratios.representation_ratio is not null
            then least(ratios.wilson_lower, ratios.representation_ratio) end as ci_lower,
        case when ratios.representation_ratio is not null
            then greatest(ratios.wilson_upper, ratios.representation_ratio) end as ci_upper,
        cast(null as {{ dbt.type_boolean() }}) as is_non_adverse,
        cast(null as {{ dbt.type_boolean() }}) as spans_non_adverse_band,
        cast(ratios.white_count as {{ type_double() }}) as white_numerator,
        ratios.white_count + ratios.bme_count as white_denominator,
        cast(ratios.bme_count as {{ type_double() }}) as bme_numerator,
        ratios.white_count + ratios.bme_count as bme_denominator,
        {{ safe_divide(
            '100 * ratios.unknown_count',
            'ratios.white_count + ratios.bme_count + ratios.unknown_count'
        ) }} as unknown_ethnicity_pct,
        ratios.unknown_count,
        cast(null as {{ type_double() }}) as bme_to_white_ratio,
        cast(null as {{ dbt.type_int() }}) as survey_year

    from ratios

)

select * from final
