{#
    The history of every board post as spells: one row per unbroken run of consecutive registers of the
    trust in which a post has the same holder (a member, or nobody: a vacancy).
    A new spell starts when the holder differs from the post's row in the trust's previous register, or when
    the post was missing from that register. Interim to substantive in the same post is the same spell (the
    member is unchanged), so its start follows the person: spell_start_date is the earliest start_date the
    registers give within the spell (a trust that restates the start on confirmation does not reset it), or
    the first register date of the spell when none is given.
    No gender or ethnicity here: identifiers, roles and dates only.
#}

with

registers as (

    select * from {{ ref('stg_board__registers') }}

),

register_sequence as (

    select
        org_code,
        as_at_date,
        row_number() over (partition by org_code order by as_at_date) as register_number,
        max(as_at_date) over (partition by org_code) as latest_as_at_date

    from (select distinct org_code, as_at_date from registers) as register_dates

),

post_rows as (

    select
        registers.org_code,
        registers.as_at_date,
        register_sequence.register_number,
        register_sequence.latest_as_at_date,
        registers.post_id,
        registers.member_id,
        registers.is_vacant,
        registers.role_category,
        registers.is_executive,
        registers.is_voting,
        registers.is_interim,
        registers.start_date,
        lag(registers.member_id) over (
            partition by registers.org_code, registers.post_id order by registers.as_at_date
        ) as previous_member_id,
        lag(register_sequence.register_number) over (
            partition by registers.org_code, registers.post_id order by registers.as_at_date
        ) as previous_register_number

    from registers
    inner join register_sequence
        on register_sequence.org_code = registers.org_code
        and register_sequence.as_at_date = registers.as_at_date

),

flagged as (

    select
        post_rows.*,
        case
            when previous_register_number is null then 1
            when previous_register_number <> register_number - 1 then 1
            when coalesce(member_id, '') <> coalesce(previous_member_id, '') then 1
            else 0
        end as starts_spell

    from post_rows

),

numbered as (

    select
        flagged.*,
        sum(starts_spell) over (
            partition by org_code, post_id order by as_at_date rows between unbounded preceding and current row
        ) as spell_number

    from flagged

),

final as (

    select
        org_code,
        post_id,
        cast(spell_number as {{ dbt.type_int() }}) as spell_number,
        max(member_id) as member_id,
        max(case when is_vacant then 1 else 0 end) = 1 as is_vacant,
        max(role_category) as role_category,
        max(case when is_executive then 1 else 0 end) = 1 as is_executive,
        max(case when is_voting then 1 else 0 end) = 1 as is_voting,
        min(as_at_date) as first_as_at_date,
        max(as_at_date) as last_as_at_date,
        cast(count(*) as {{ dbt.type_int() }}) as registers,
        case
            when max(case when is_vacant then 1 else 0 end) = 1 then null
            else coalesce(min(start_date), min(as_at_date))
        end as spell_start_date,
        max(case when starts_spell = 1 and is_interim then 1 else 0 end) = 1 as started_as_interim,
        min(case when is_interim then null else as_at_date end) as first_substantive_as_at_date,
        max(case when is_interim then 1 else 0 end) = 1 as has_interim_period,
        max(as_at_date) = max(latest_as_at_date) as is_current

    from numbered
    group by org_code, post_id, spell_number

)

select * from final
