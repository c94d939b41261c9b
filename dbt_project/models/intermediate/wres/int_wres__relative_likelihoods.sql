{#
    WRES indicators 2-4, one row per trust, reporting year and indicator: relative likelihoods with
    Katz log-method 95% intervals (0.5 added to both cells of a group with a zero cell).
      2  (White appointed / White shortlisted) / (BME appointed / BME shortlisted)
      3  (BME entering disciplinary / BME headcount) / (White entering / White headcount)
      4  (White accessing CPD / White headcount) / (BME accessing / BME headcount)
    white_value / bme_value are the group rates in %. value is null where a denominator is zero.
#}

with

returns as (

    select * from {{ ref('stg_wres__returns') }}

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

    -- The group on top of the ratio: BME for indicator 3, White for 2 and 4.
    select
        group_counts.*,
        case when indicator_number = 3 then bme_events else white_events end as top_events,
        case when indicator_number = 3 then bme_people else white_people end as top_people,
        case when indicator_number = 3 then white_events else bme_events end as bottom_events,
        case when indicator_number = 3 then white_people else bme_people end as bottom_people

    from group_counts

),

likelihoods as (

    select
        oriented.*,
        {{ safe_divide('100 * white_events', 'white_people') }} as white_pct,
        {{ safe_divide('100 * bme_events', 'bme_people') }} as bme_pct,
        {{ safe_divide(
            safe_divide('top_events', 'top_people'),
            safe_divide('bottom_events', 'bottom_people')
        ) }} as relative_likelihood,
        {{ katz_log_interval('top_events', 'top_people', 'bottom_events', 'bottom_people', 'lower') }} as katz_lower,
        {{ katz_log_interval('top_events', 'top_people', 'bottom_events', 'bottom_people', 'upper') }} as katz_upper

    from oriented

),

bounded as (

    -- The zero-cell correction shifts the Katz interval away from an observed ratio of 0 (no events in the
    -- top group): widen it so the published, uncorrected ratio stays inside its interval.
    select
        likelihoods.*,
        least(katz_lower, relative_likelihood) as ci_lower,
        greatest(katz_upper, relative_likelihood) as ci_upper

    from likelihoods

),

final as (

    select
        org_code,
        reporting_year,
        case indicator_number
            when 2 then 'wres_2'
            when 3 then 'wres_3'
            when 4 then 'wres_4'
        end as indicator_code,
        indicator_number,
        cast(null as {{ dbt.type_string() }}) as staff_group,
        cast(null as {{ dbt.type_string() }}) as band,
        white_pct as white_value,
        bme_pct as bme_value,
        relative_likelihood as value,
        'ratio' as value_unit,
        ci_lower,
        ci_upper,
        case
            when relative_likelihood is null then null
            else relative_likelihood >= 0.80 and relative_likelihood <= 1.25
        end as is_non_adverse,
        case
            when ci_lower is null or ci_upper is null then null
            else (ci_lower <= 0.80 and ci_upper >= 0.80) or (ci_lower <= 1.25 and ci_upper >= 1.25)
        end as spans_non_adverse_band,
        'closer_to_1' as direction_of_good,
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

    from bounded

)

select * from final
