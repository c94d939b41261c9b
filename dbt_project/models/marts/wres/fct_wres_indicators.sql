{#
    Every published WRES measure, one row per legal trust, reporting year and indicator code.
    Each indicator family is computed in its intermediate model; this model stacks them and adds the
    unknown-ethnicity quality flag.
#}

{%- set indicator_columns = [
    'org_code', 'reporting_year', 'indicator_code', 'indicator_number', 'staff_group', 'band',
    'white_value', 'bme_value', 'value', 'value_unit', 'ci_lower', 'ci_upper', 'is_non_adverse',
    'spans_non_adverse_band', 'direction_of_good', 'white_numerator', 'white_denominator', 'bme_numerator',
    'bme_denominator', 'unknown_ethnicity_pct', 'bme_to_white_ratio', 'survey_year',
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
        org_code,
        reporting_year,
        indicator_code,
        indicator_number,
        staff_group,
        band,
        white_value,
        bme_value,
        value,
        value_unit,
        ci_lower,
        ci_upper,
        is_non_adverse,
        spans_non_adverse_band,
        direction_of_good,
        white_numerator,
        white_denominator,
        bme_numerator,
        bme_denominator,
        unknown_ethnicity_pct,
        case
            when unknown_ethnicity_pct is null then null
            else unknown_ethnicity_pct > 10
        end as is_unknown_ethnicity_high,
        bme_to_white_ratio,
        survey_year

    from indicators

)

select * from final
