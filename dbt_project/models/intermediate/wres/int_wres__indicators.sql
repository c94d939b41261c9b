{#
    Every published WRES measure, one row per legal trust, reporting year and indicator code.
    Each indicator family is computed in its intermediate model; this model stacks them, adds the
    unknown-ethnicity quality flag, the unit and direction of good from the indicator catalogue (seed
    indicator_catalogue, the one place for them) and, on indicator 9 rows, the board register cross-check.
#}

{%- set indicator_columns = [
    'org_code', 'reporting_year', 'indicator_code', 'indicator_number', 'staff_group', 'band',
    'white_value', 'bme_value', 'value', 'ci_lower', 'ci_upper', 'is_non_adverse',
    'spans_non_adverse_band', 'white_numerator', 'white_denominator', 'bme_numerator',
    'bme_denominator', 'unknown_ethnicity_pct', 'unknown_count', 'bme_to_white_ratio', 'survey_year',
] %}

with

band_representation as (

    select * from {{ ref('int_wres__band_representation') }}

),

relative_likelihoods as (

    select * from {{ ref('int_wres__relative_likelihoods') }}

),

staff_survey_rates as (

    select * from {{ ref('int_wres__staff_survey_rates') }}

),

board_representation as (

    select * from {{ ref('int_wres__board_representation') }}

),

board_cross_check as (

    select * from {{ ref('int_wres__board_cross_check') }}

),

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

indicators as (

    select {{ indicator_columns | join(', ') }} from band_representation
    union all
    select {{ indicator_columns | join(', ') }} from relative_likelihoods
    union all
    select {{ indicator_columns | join(', ') }} from staff_survey_rates
    union all
    select {{ indicator_columns | join(', ') }} from board_representation

),

final as (

    select
        indicators.org_code,
        indicators.reporting_year,
        indicators.indicator_code,
        indicators.indicator_number,
        indicators.staff_group,
        indicators.band,
        indicators.white_value,
        indicators.bme_value,
        indicators.value,
        catalogue.unit as value_unit,
        indicators.ci_lower,
        indicators.ci_upper,
        indicators.is_non_adverse,
        indicators.spans_non_adverse_band,
        catalogue.direction_of_good,
        indicators.white_numerator,
        indicators.white_denominator,
        indicators.bme_numerator,
        indicators.bme_denominator,
        indicators.unknown_count,
        indicators.unknown_ethnicity_pct,
        case
            when indicators.unknown_ethnicity_pct is null then null
            else indicators.unknown_ethnicity_pct > 10
        end as is_unknown_ethnicity_high,
        indicators.bme_to_white_ratio,
        indicators.survey_year,
        board_cross_check.is_consistent_with_register as is_consistent_with_board_register

    from indicators
    left join catalogue
        on catalogue.indicator_code = indicators.indicator_code
    left join board_cross_check
        on board_cross_check.org_code = indicators.org_code
        and board_cross_check.reporting_year = indicators.reporting_year
        and board_cross_check.indicator_code = indicators.indicator_code

)

select * from final
