{#
    WRES indicator 9, one row per trust, reporting year and board group (voting, executive, non_executive),
    from the return's indicator 9 rows. value = BME % of the group's members (unknown left out) minus the
    workforce BME %, in percentage points; 0 or above is good. The 95% interval is the Wilson interval of the
    group's BME share minus the workforce BME share (a whole-trust figure, taken as fixed).
#}

with

returns as (

    select * from {{ ref('stg_wres__returns') }}

),

workforce as (

    select * from {{ ref('int_wres__workforce') }}

),

board_rows as (

    select * from returns
    where indicator_number = 9
      and measure = 'board_members'

),

grouped as (

    select org_code, reporting_year, 'voting' as board_group, ethnicity, people_count
    from board_rows
    where staff_group = 'voting'

    union all

    select org_code, reporting_year, 'executive' as board_group, ethnicity, people_count
    from board_rows
    where band = 'executive'

    union all

    select org_code, reporting_year, 'non_executive' as board_group, ethnicity, people_count
    from board_rows
    where band = 'non_executive'

),

group_counts as (

    select
        org_code,
        reporting_year,
        board_group,
        cast(sum(case when ethnicity = 'white' then people_count else 0 end) as {{ dbt.type_bigint() }}) as white_count,
        cast(sum(case when ethnicity = 'bme' then people_count else 0 end) as {{ dbt.type_bigint() }}) as bme_count,
        cast(sum(case when ethnicity = 'unknown' then people_count else 0 end) as {{ dbt.type_bigint() }}) as unknown_count

    from grouped
    group by org_code, reporting_year, board_group

),

group_shares as (

    select
        group_counts.*,
        {{ safe_divide('100 * white_count', 'white_count + bme_count') }} as white_pct,
        {{ safe_divide('100 * bme_count', 'white_count + bme_count') }} as bme_pct

    from group_counts

),

final as (

    select
        group_shares.org_code,
        group_shares.reporting_year,
        {{ dbt.concat(["'wres_9_'", 'group_shares.board_group']) }} as indicator_code,
        group_shares.board_group,
        9 as indicator_number,
        cast(null as {{ dbt.type_string() }}) as staff_group,
        cast(null as {{ dbt.type_string() }}) as band,
        group_shares.white_pct as white_value,
        group_shares.bme_pct as bme_value,
        group_shares.bme_pct - workforce.workforce_bme_pct as value,
        -- Floating-point rounding at a share of 0 or 100% must not leave the estimate outside its interval.
        case when group_shares.bme_pct - workforce.workforce_bme_pct is not null then least(
            100 * {{ wilson_interval('group_shares.bme_pct / 100', 'group_shares.white_count + group_shares.bme_count', 'lower') }}
                - workforce.workforce_bme_pct,
            group_shares.bme_pct - workforce.workforce_bme_pct
        ) end as ci_lower,
        case when group_shares.bme_pct - workforce.workforce_bme_pct is not null then greatest(
            100 * {{ wilson_interval('group_shares.bme_pct / 100', 'group_shares.white_count + group_shares.bme_count', 'upper') }}
                - workforce.workforce_bme_pct,
            group_shares.bme_pct - workforce.workforce_bme_pct
        ) end as ci_upper,
        cast(null as {{ dbt.type_boolean() }}) as is_non_adverse,
        cast(null as {{ dbt.type_boolean() }}) as spans_non_adverse_band,
        cast(group_shares.white_count as {{ type_double() }}) as white_numerator,
        group_shares.white_count + group_shares.bme_count as white_denominator,
        cast(group_shares.bme_count as {{ type_double() }}) as bme_numerator,
        group_shares.white_count + group_shares.bme_count as bme_denominator,
        {{ safe_divide(
            '100 * group_shares.unknown_count',
            'group_shares.white_count + group_shares.bme_count + group_shares.unknown_count'
        ) }} as unknown_ethnicity_pct,
        group_shares.unknown_count,
        cast(null as {{ type_double() }}) as bme_to_white_ratio,
        cast(null as {{ dbt.type_int() }}) as survey_year

    from group_shares
    left join workforce
        on workforce.org_code = group_shares.org_code
        and workforce.reporting_year = group_shares.reporting_year

)

select * from final
