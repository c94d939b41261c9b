{#
    WRES indicators 5-8 from the staff survey benchmark workbook, one row per legal trust, reporting year
    and indicator. Survey reporting units are rolled up to their legal trust (R1F1 + R1F2 -> R1F) by the
    base-weighted mean of their rates; the rates of survey year Y feed reporting year Y + 1.
    value = BME % minus White % in percentage points, with Newcombe's hybrid score interval (method 10:
    the difference of two Wilson score intervals), the base treated as the number of respondents.
    A trust with a WRES return but no survey result in a survey year that was landed (a new trust, a unit
    missing from the workbook) still gets its four rows, with null values: the gap is shown, not hidden.
#}

with

rates as (

    select * from {{ ref('stg_staff_survey__wres_rates') }}

),

organisation_codes as (

    select * from {{ ref('int_organisations__legal_codes') }}

),

returns as (

    select * from {{ ref('stg_wres__returns') }}

),

unit_rates as (

    select
        coalesce(organisation_codes.legal_org_code, rates.org_code) as legal_org_code,
        rates.survey_year,
        rates.wres_indicator_number,
        rates.ethnicity,
        rates.pct,
        case when rates.pct is not null then rates.base_n end as base_n

    from rates
    left join organisation_codes
        on organisation_codes.org_code = rates.org_code
    where rates.wres_indicator_number is not null
      and rates.ethnicity in ('white', 'bme')

),

trust_rates as (

    select
        legal_org_code as org_code,
        survey_year,
        wres_indicator_number,
        ethnicity,
        coalesce(
            {{ safe_divide('sum(pct * base_n)', 'sum(base_n)') }},
            -- a single unit with a rate but no base keeps its rate
            case when count(pct) = 1 then max(pct) end
        ) as pct,
        cast(sum(base_n) as {{ dbt.type_bigint() }}) as base_n

    from unit_rates
    group by legal_org_code, survey_year, wres_indicator_number, ethnicity

),

paired as (

    select
        org_code,
        survey_year,
        wres_indicator_number,
        max(case when ethnicity = 'white' then pct end) as white_pct,
        max(case when ethnicity = 'white' then base_n end) as white_n,
        max(case when ethnicity = 'bme' then pct end) as bme_pct,
        max(case when ethnicity = 'bme' then base_n end) as bme_n

    from trust_rates
    group by org_code, survey_year, wres_indicator_number

),

survey_indicators as (

    select 5 as wres_indicator_number
    union all select 6
    union all select 7
    union all select 8

),

missing as (

    -- Trusts with a return for reporting year Y, a landed survey of year Y - 1, and no rate for an indicator.
    select distinct
        returns.org_code,
        returns.reporting_year - 1 as survey_year,
        survey_indicators.wres_indicator_number

    from returns
    inner join (select distinct survey_year from rates) as survey_years
        on survey_years.survey_year = returns.reporting_year - 1
    cross join survey_indicators
    left join paired
        on paired.org_code = returns.org_code
        and paired.survey_year = returns.reporting_year - 1
        and paired.wres_indicator_number = survey_indicators.wres_indicator_number
    where paired.org_code is null

),

all_trusts as (

    select org_code, survey_year, wres_indicator_number, white_pct, white_n, bme_pct, bme_n
    from paired

    union all

    select
        org_code,
        survey_year,
        wres_indicator_number,
        cast(null as {{ type_double() }}) as white_pct,
        cast(null as {{ dbt.type_bigint() }}) as white_n,
        cast(null as {{ type_double() }}) as bme_pct,
        cast(null as {{ dbt.type_bigint() }}) as bme_n
    from missing

),

final as (

    select
        org_code,
        survey_year + 1 as reporting_year,
        case wres_indicator_number
            when 5 then 'wres_5'
            when 6 then 'wres_6'
            when 7 then 'wres_7'
            when 8 then 'wres_8'
        end as indicator_code,
        wres_indicator_number as indicator_number,
        cast(null as {{ dbt.type_string() }}) as staff_group,
        cast(null as {{ dbt.type_string() }}) as band,
        white_pct as white_value,
        bme_pct as bme_value,
        bme_pct - white_pct as value,
        100 * {{ newcombe_difference_interval('white_pct / 100', 'white_n', 'bme_pct / 100', 'bme_n', 'lower') }}
            as ci_lower,
        100 * {{ newcombe_difference_interval('white_pct / 100', 'white_n', 'bme_pct / 100', 'bme_n', 'upper') }}
            as ci_upper,
        cast(null as {{ dbt.type_boolean() }}) as is_non_adverse,
        cast(null as {{ dbt.type_boolean() }}) as spans_non_adverse_band,
        white_pct * white_n / 100 as white_numerator,
        white_n as white_denominator,
        bme_pct * bme_n / 100 as bme_numerator,
        bme_n as bme_denominator,
        cast(null as {{ type_double() }}) as unknown_ethnicity_pct,
        cast(null as {{ dbt.type_bigint() }}) as unknown_count,
        {{ safe_divide('bme_pct', 'white_pct') }} as bme_to_white_ratio,
        survey_year

    from all_trusts

)

select * from final
