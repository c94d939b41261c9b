{#
    WRES indicator 9 cross-checked against the board registers: one row per trust, reporting year and board
    group (voting, executive, non_executive) of the return, with the members the return counts and those the
    register as at 31 March of the reporting year lists (people holding a post; vacant posts left out), by
    ethnic group (register codes A-C White, D-S BME, anything else unknown). A return that disagrees with its
    register is a warning, not an error: the return is published as submitted.
    Only aggregates leave this model; per-member attributes stay in staging.
#}

with

board_representation as (

    select * from {{ ref('int_wres__board_representation') }}

),

registers as (

    select * from {{ ref('stg_board__registers') }}

),

return_counts as (

    select
        org_code,
        reporting_year,
        board_group,
        indicator_code,
        cast(white_numerator as {{ dbt.type_bigint() }}) as return_white,
        cast(bme_numerator as {{ dbt.type_bigint() }}) as return_bme,
        cast(unknown_count as {{ dbt.type_bigint() }}) as return_unknown,
        bme_value as return_bme_pct

    from board_representation

),

year_end_members as (

    -- Registers as at 31 March, one row per member and post held.
    select
        org_code,
        cast(extract(year from as_at_date) as {{ dbt.type_int() }}) as reporting_year,
        member_id,
        is_voting,
        is_executive,
        coalesce(ethnic_group, 'unknown') as ethnic_group

    from registers
    where member_id is not null
      and extract(month from as_at_date) = 3
      and extract(day from as_at_date) = 31

),

register_groups as (

    select org_code, reporting_year, 'voting' as board_group, member_id, ethnic_group
    from year_end_members
    where is_voting

    union all

    select org_code, reporting_year, 'executive' as board_group, member_id, ethnic_group
    from year_end_members
    where is_executive

    union all

    select org_code, reporting_year, 'non_executive' as board_group, member_id, ethnic_group
    from year_end_members
    where not is_executive

),

register_counts as (

    select
        org_code,
        reporting_year,
        board_group,
        cast(count(distinct case when ethnic_group = 'white' then member_id end) as {{ dbt.type_bigint() }})
            as register_white,
        cast(count(distinct case when ethnic_group = 'bme' then member_id end) as {{ dbt.type_bigint() }})
            as register_bme,
        cast(count(distinct case when ethnic_group = 'unknown' then member_id end) as {{ dbt.type_bigint() }})
            as register_unknown,
        cast(count(distinct member_id) as {{ dbt.type_bigint() }}) as register_members

    from register_groups
    group by org_code, reporting_year, board_group

),

registers_held as (

    select distinct
        org_code,
        cast(extract(year from as_at_date) as {{ dbt.type_int() }}) as reporting_year

    from registers
    where extract(month from as_at_date) = 3
      and extract(day from as_at_date) = 31

),

final as (

    select
        return_counts.org_code,
        return_counts.reporting_year,
        return_counts.indicator_code,
        return_counts.board_group,
        return_counts.return_white,
        return_counts.return_bme,
        return_counts.return_unknown,
        return_counts.return_bme_pct,
        registers_held.org_code is not null as has_register,
        case when registers_held.org_code is not null then coalesce(register_counts.register_members, 0) end
            as register_members,
        case when registers_held.org_code is not null then coalesce(register_counts.register_white, 0) end
            as register_white,
        case when registers_held.org_code is not null then coalesce(register_counts.register_bme, 0) end
            as register_bme,
        case when registers_held.org_code is not null then coalesce(register_counts.register_unknown, 0) end
            as register_unknown,
        {{ safe_divide(
            '100 * register_counts.register_bme',
            'register_counts.register_white + register_counts.register_bme'
        ) }} as register_bme_pct,
        case
            when registers_held.org_code is null then null
            else return_counts.return_white = coalesce(register_counts.register_white, 0)
                and return_counts.return_bme = coalesce(register_counts.register_bme, 0)
                and return_counts.return_unknown = coalesce(register_counts.register_unknown, 0)
        end as is_consistent_with_register

    from return_counts
    left join registers_held
        on registers_held.org_code = return_counts.org_code
        and registers_held.reporting_year = return_counts.reporting_year
    left join register_counts
        on register_counts.org_code = return_counts.org_code
        and register_counts.reporting_year = return_counts.reporting_year
        and register_counts.board_group = return_counts.board_group

)

select * from final
