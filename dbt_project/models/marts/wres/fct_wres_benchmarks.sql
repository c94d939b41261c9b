{#
    England, regional and benchmarking-group WRES figures, one row per geography, reporting year and
    indicator code, computed from the counts summed over the geography's trusts (never an average of
    trust ratios), with the same formulas and 95% intervals as fct_wres_indicators:
      1    BME share of the band's summed White + BME staff / BME share of the geography's summed workforce,
           Wilson interval of the band share (the workforce share taken as fixed)
      2-4  relative likelihood of the summed events and people, Katz log interval (0.5 zero-cell correction)
      5-8  BME % minus White % from summed respondents (rate x base) and bases, Newcombe interval
      9    BME share of the summed board members minus the geography's workforce BME share, Wilson interval
    plus the spread of the trusts' own values (min, quartiles, median, max: macro value_distribution)
    and, for 2-4, the share of trusts inside the 0.80-1.25 non-adverse band. The relative likelihood, its
    interval and the band judgement are the macros fct_wres_indicators uses (relative_likelihood,
    relative_likelihood_interval, band_judgement); the unit, direction of good and band come from the
    indicator catalogue.
    Geographies: national = England (ENG); region = NHS England region code; benchmark_group = the trust's
    staff survey benchmarking group (a trust surveyed only through split units takes their group when they
    share one, otherwise it is in no group).
#}

with

indicators as (

    select * from {{ ref('fct_wres_indicators') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}

),

workforce as (

    select * from {{ ref('int_wres__workforce') }}

),

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

unit_groups as (

    select
        legal_org_code as org_code,
        min(benchmarking_group_code) as unit_group_code

    from organisations
    where org_kind = 'split_unit'
      and benchmarking_group_code is not null
    group by legal_org_code
    having count(distinct benchmarking_group_code) = 1

),

trust_geographies as (

    select org_code, 'national' as geography_level, 'ENG' as geography_code
    from organisations
    where nation = 'England'
      and org_kind = 'trust'

    union all

    select org_code, 'region' as geography_level, region_code as geography_code
    from organisations
    where region_code is not null
      and org_kind = 'trust'

    union all

    select
        organisations.org_code,
        'benchmark_group' as geography_level,
        coalesce(organisations.benchmarking_group_code, unit_groups.unit_group_code) as geography_code

    from organisations
    left join unit_groups
        on unit_groups.org_code = organisations.org_code
    where organisations.org_kind = 'trust'
      and coalesce(organisations.benchmarking_group_code, unit_groups.unit_group_code) is not null

),

geography_workforce as (

    select
        trust_geographies.geography_level,
        trust_geographies.geography_code,
        workforce.reporting_year,
        {{ safe_divide('100 * sum(workforce.bme_headcount)', 'sum(workforce.white_headcount + workforce.bme_headcount)') }}
            as workforce_bme_pct

    from workforce
    inner join trust_geographies
        on trust_geographies.org_code = workforce.org_code
    group by trust_geographies.geography_level, trust_geographies.geography_code, workforce.reporting_year

),

placed as (

    select
        trust_geographies.geography_level,
        trust_geographies.geography_code,
        indicators.*

    from indicators
    inner join trust_geographies
        on trust_geographies.org_code = indicators.org_code

),

summed as (

    select
        geography_level,
        geography_code,
        reporting_year,
        indicator_code,
        max(indicator_number) as indicator_number,
        max(staff_group) as staff_group,
        max(band) as band,
        max(survey_year) as survey_year,
        cast(count(distinct org_code) as {{ dbt.type_int() }}) as trusts_count,
        cast(count(value) as {{ dbt.type_int() }}) as trusts_with_value,
        cast(count(is_non_adverse) as {{ dbt.type_int() }}) as trusts_tested,
        cast(sum(case when is_non_adverse then 1 else 0 end) as {{ dbt.type_int() }}) as trusts_non_adverse,
        cast(sum(white_numerator) as {{ type_double() }}) as white_numerator,
        sum(white_denominator) as white_denominator,
        cast(sum(bme_numerator) as {{ type_double() }}) as bme_numerator,
        sum(bme_denominator) as bme_denominator,
        sum(unknown_count) as unknown_count

    from placed
    group by geography_level, geography_code, reporting_year, indicator_code

),

spread as (

    select
        geography_level,
        geography_code,
        reporting_year,
        indicator_code,
        {{ value_distribution('value') }}

    from placed
    where value is not null
    group by geography_level, geography_code, reporting_year, indicator_code

),

oriented as (

    select
        summed.*,
        geography_workforce.workforce_bme_pct,
        {{ wres_ratio_top('summed.indicator_number', 'summed.white_numerator', 'summed.bme_numerator') }} as top_events,
        {{ wres_ratio_top('summed.indicator_number', 'summed.white_denominator', 'summed.bme_denominator') }}
            as top_people,
        {{ wres_ratio_bottom('summed.indicator_number', 'summed.white_numerator', 'summed.bme_numerator') }}
            as bottom_events,
        {{ wres_ratio_bottom('summed.indicator_number', 'summed.white_denominator', 'summed.bme_denominator') }}
            as bottom_people,
        {{ safe_divide('100 * summed.white_numerator', 'summed.white_denominator') }} as white_pct,
        {{ safe_divide('100 * summed.bme_numerator', 'summed.bme_denominator') }} as bme_pct

    from summed
    left join geography_workforce
        on geography_workforce.geography_level = summed.geography_level
        and geography_workforce.geography_code = summed.geography_code
        and geography_workforce.reporting_year = summed.reporting_year

),

estimated as (

    select
        oriented.*,
        case
            when indicator_number = 1 then {{ safe_divide('bme_pct', 'workforce_bme_pct') }}
            when indicator_number in (2, 3, 4)
                then {{ relative_likelihood('top_events', 'top_people', 'bottom_events', 'bottom_people') }}
            when indicator_number in (5, 6, 7, 8) then bme_pct - white_pct
            when indicator_number = 9 then bme_pct - workforce_bme_pct
        end as value,
        case
            when indicator_number = 1 then {{ safe_divide(
                '100 * ' ~ wilson_interval('bme_pct / 100', 'bme_denominator', 'lower'), 'workforce_bme_pct'
            ) }}
            when indicator_number in (2, 3, 4) then {{ relative_likelihood_interval(
                'top_events', 'top_people', 'bottom_events', 'bottom_people', 'lower') }}
            when indicator_number in (5, 6, 7, 8)
                then 100 * {{ newcombe_difference_interval(
                    'white_pct / 100', 'white_denominator', 'bme_pct / 100', 'bme_denominator', 'lower'
                ) }}
            when indicator_number = 9
                then 100 * {{ wilson_interval('bme_pct / 100', 'bme_denominator', 'lower') }} - workforce_bme_pct
        end as interval_lower,
        case
            when indicator_number = 1 then {{ safe_divide(
                '100 * ' ~ wilson_interval('bme_pct / 100', 'bme_denominator', 'upper'), 'workforce_bme_pct'
            ) }}
            when indicator_number in (2, 3, 4) then {{ relative_likelihood_interval(
                'top_events', 'top_people', 'bottom_events', 'bottom_people', 'upper') }}
            when indicator_number in (5, 6, 7, 8)
                then 100 * {{ newcombe_difference_interval(
                    'white_pct / 100', 'white_denominator', 'bme_pct / 100', 'bme_denominator', 'upper'
                ) }}
            when indicator_number = 9
                then 100 * {{ wilson_interval('bme_pct / 100', 'bme_denominator', 'upper') }} - workforce_bme_pct
        end as interval_upper

    from oriented

),

bounded as (

    -- Wilson and Newcombe bounds hold their estimate by construction; least/greatest only remove rounding.
    select
        estimated.*,
        catalogue.unit as catalogue_unit,
        catalogue.direction_of_good as catalogue_direction_of_good,
        catalogue.target_lower,
        catalogue.target_upper,
        case when value is null then null else least(interval_lower, value) end as ci_lower,
        case when value is null then null else greatest(interval_upper, value) end as ci_upper

    from estimated
    left join catalogue
        on catalogue.indicator_code = estimated.indicator_code

),

final as (

    select
        bounded.geography_level,
        bounded.geography_code,
        bounded.reporting_year,
        bounded.indicator_code,
        bounded.indicator_number,
        bounded.staff_group,
        bounded.band,
        bounded.white_pct as white_value,
        bounded.bme_pct as bme_value,
        bounded.value,
        bounded.catalogue_unit as value_unit,
        bounded.ci_lower,
        bounded.ci_upper,
        case
            when bounded.indicator_number not in (2, 3, 4) or bounded.value is null then null
            else {{ is_within_band('bounded.value', 'bounded.target_lower', 'bounded.target_upper') }}
        end as is_non_adverse,
        case
            when bounded.indicator_number not in (2, 3, 4) or bounded.ci_lower is null or bounded.ci_upper is null
                then null
            else {{ interval_spans_band_edge(
                'bounded.ci_lower', 'bounded.ci_upper', 'bounded.target_lower', 'bounded.target_upper') }}
        end as spans_non_adverse_band,
        bounded.catalogue_direction_of_good as direction_of_good,
        bounded.white_numerator,
        bounded.white_denominator,
        bounded.bme_numerator,
        bounded.bme_denominator,
        bounded.unknown_count,
        case
            when bounded.indicator_number in (2, 3, 4) then {{ safe_divide(
                '100 * bounded.unknown_count',
                'coalesce(bounded.white_denominator, 0) + coalesce(bounded.bme_denominator, 0) + bounded.unknown_count'
            ) }}
            when bounded.indicator_number in (1, 9) then {{ safe_divide(
                '100 * bounded.unknown_count', 'bounded.white_denominator + bounded.unknown_count'
            ) }}
        end as unknown_ethnicity_pct,
        bounded.workforce_bme_pct,
        bounded.trusts_count,
        bounded.trusts_with_value,
        bounded.trusts_tested,
        bounded.trusts_non_adverse,
        case
            when bounded.indicator_number in (2, 3, 4)
                then {{ safe_divide('100 * bounded.trusts_non_adverse', 'bounded.trusts_tested') }}
        end as trusts_non_adverse_pct,
        spread.min_value,
        spread.p25_value,
        spread.median_value,
        spread.p75_value,
        spread.max_value,
        bounded.survey_year

    from bounded
    left join spread
        on spread.geography_level = bounded.geography_level
        and spread.geography_code = bounded.geography_code
        and spread.reporting_year = bounded.reporting_year
        and spread.indicator_code = bounded.indicator_code

)

select * from final
