{#
    WRES indicators 2-4, one row per trust, reporting year and indicator: relative likelihoods (macro
    relative_likelihood) with Katz log-method 95% intervals (macro relative_likelihood_interval: 0.5 added to
    both cells of a group with a zero cell, widened to hold the observed ratio).
      2  (White appointed / White shortlisted) / (BME appointed / BME shortlisted)
      3  (BME entering disciplinary / BME headcount) / (White entering / White headcount)
      4  (White accessing CPD / White headcount) / (BME accessing / BME headcount)
    white_value / bme_value are the group rates in %. value is null where a denominator or the comparison
    group's rate is zero. is_non_adverse and spans_non_adverse_band judge the value and the interval against
    the catalogue's band (0.80-1.25) rounded to 2 decimals, as WRES publishes them (macros in band_judgement).
#}

with

returns as (

    select * from {{ ref('stg_wres__returns') }}

),

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

group_counts as (

    select
        org_code,
        reporting_year,
        indicator_number,
        cast(sum(case when ethnicity = 'white' and measure in ('appointed', 'entered_disciplinary', 'accessed_cpd')
            then people_count end) as {{ dbt.type_bigint() }}) as white_events,
        cast(sum(case when ethnicity = 'white' and measure in ('shortlisted', 'headcount')
            then people_count end) as {{ dbt.type_bigint() }}) as white_people,
        cast(sum(case when ethnicity = 'bme' and measure in ('appointed', 'entered_disciplinary', 'accessed_cpd')
            then people_count end) as {{ dbt.type_bigint() }}) as bme_events,
        cast(sum(case when ethnicity = 'bme' and measure in ('shortlisted', 'headcount')
            then people_count end) as {{ dbt.type_bigint() }}) as bme_people,
        cast(sum(case when ethnicity = 'unknown' and measure in ('shortlisted', 'headcount')
            then people_count end) as {{ dbt.type_bigint() }}) as unknown_people

    from returns
    where indicator_number in (2, 3, 4)
    group by org_code, reporting_year, indicator_number

),

oriented as (

    select
        group_counts.*,
        {{ dbt.concat(["'wres_'", 'cast(indicator_number as ' ~ dbt.type_string() ~ ')']) }} as indicator_code,
        {{ wres_ratio_top('indicator_number', 'white_events', 'bme_events') }} as top_events,
        {{ wres_ratio_top('indicator_number', 'white_people', 'bme_people') }} as top_people,
        {{ wres_ratio_bottom('indicator_number', 'white_events', 'bme_events') }} as bottom_events,
        {{ wres_ratio_bottom('indicator_number', 'white_people', 'bme_people') }} as bottom_people

    from group_counts

),

likelihoods as (

    select
        oriented.*,
        catalogue.target_lower,
        catalogue.target_upper,
        {{ safe_divide('100 * white_events', 'white_people') }} as white_pct,
        {{ safe_divide('100 * bme_events', 'bme_people') }} as bme_pct,
        {{ relative_likelihood('top_events', 'top_people', 'bottom_events', 'bottom_people') }} as relative_likelihood,
        {{ relative_likelihood_interval('top_events', 'top_people', 'bottom_events', 'bottom_people', 'lower') }}
            as ci_lower,
        {{ relative_likelihood_interval('top_events', 'top_people', 'bottom_events', 'bottom_people', 'upper') }}
            as ci_upper

    from oriented
    left join catalogue
        on catalogue.indicator_code = oriented.indicator_code

),

final as (

    select
        org_code,
        reporting_year,
        indicator_code,
        indicator_number,
        cast(null as {{ dbt.type_string() }}) as staff_group,
        cast(null as {{ dbt.type_string() }}) as band,
        white_pct as white_value,
        bme_pct as bme_value,
        relative_likelihood as value,
        ci_lower,
        ci_upper,
        case
            when relative_likelihood is null then null
            else {{ is_within_band('relative_likelihood', 'target_lower', 'target_upper') }}
        end as is_non_adverse,
        case
            when ci_lower is null or ci_upper is null then null
            else {{ interval_spans_band_edge('ci_lower', 'ci_upper', 'target_lower', 'target_upper') }}
        end as spans_non_adverse_band,
        cast(white_events as {{ type_double() }}) as white_numerator,
        white_people as white_denominator,
        cast(bme_events as {{ type_double() }}) as bme_numerator,
        bme_people as bme_denominator,
        {{ safe_divide(
            '100 * unknown_people',
            'coalesce(white_people, 0) + coalesce(bme_people, 0) + coalesce(unknown_people, 0)'
        ) }} as unknown_ethnicity_pct,
        unknown_people as unknown_count,
        cast(null as {{ type_double() }}) as bme_to_white_ratio,
        cast(null as {{ dbt.type_int() }}) as survey_year

    from likelihoods

)

select * from final
