{#
    Board events, read by comparing each trust register with the trust's previous register (one row per
    trust, as-at date, post and event type). The first register of a trust gives no events (nothing to
    compare). Events:
      appointment          a member in post who held no post of the trust in the previous register
      interim_appointment  the same, held on an interim basis (interim cover)
      role_change          a member in a post they did not hold before, who held another post of the trust
      made_substantive     a member in the same post as before, interim before and substantive now
      departure            a member of the previous register who holds no post now (post_id = the post left)
      vacancy_opened       a post vacant now that was filled in the previous register
      vacancy_filled       a post filled now that was vacant in the previous register
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
        row_number() over (partition by org_code order by as_at_date) as register_number

    from (select distinct org_code, as_at_date from registers) as register_dates

),

sequenced as (

    select
        registers.org_code,
        registers.as_at_date,
        register_sequence.register_number,
        registers.post_id,
        registers.member_id,
        registers.is_vacant,
        registers.role_category,
        registers.is_interim

    from registers
    inner join register_sequence
        on register_sequence.org_code = registers.org_code
        and register_sequence.as_at_date = registers.as_at_date

),

pairs as (

    -- Each register row with the trust's previous register date (null for the first register).
    select
        current_rows.*,
        previous_register.as_at_date as previous_as_at_date

    from sequenced as current_rows
    inner join register_sequence as previous_register
        on previous_register.org_code = current_rows.org_code
        and previous_register.register_number = current_rows.register_number - 1

),

members_before as (

    select distinct org_code, register_number, member_id
    from sequenced
    where member_id is not null

),

holder_events as (

    select
        pairs.org_code,
        pairs.as_at_date,
        pairs.post_id,
        pairs.member_id,
        pairs.role_category,
        case
            when before_same_post.member_id = pairs.member_id
                then case when before_same_post.is_interim and not pairs.is_interim then 'made_substantive' end
            when members_before.member_id is not null then 'role_change'
            when pairs.is_interim then 'interim_appointment'
            else 'appointment'
        end as event_type

    from pairs
    left join sequenced as before_same_post
        on before_same_post.org_code = pairs.org_code
        and before_same_post.register_number = pairs.register_number - 1
        and before_same_post.post_id = pairs.post_id
    left join members_before
        on members_before.org_code = pairs.org_code
        and members_before.register_number = pairs.register_number - 1
        and members_before.member_id = pairs.member_id
    where pairs.member_id is not null

),

departures as (

    select
        pairs_before.org_code,
        register_sequence.as_at_date,
        pairs_before.post_id,
        pairs_before.member_id,
        pairs_before.role_category,
        'departure' as event_type

    from sequenced as pairs_before
    inner join register_sequence
        on register_sequence.org_code = pairs_before.org_code
        and register_sequence.register_number = pairs_before.register_number + 1
    left join members_before as members_now
        on members_now.org_code = pairs_before.org_code
        and members_now.register_number = pairs_before.register_number + 1
        and members_now.member_id = pairs_before.member_id
    where pairs_before.member_id is not null
      and members_now.member_id is null

),

vacancy_events as (

    select
        pairs.org_code,
        pairs.as_at_date,
        pairs.post_id,
        cast(null as {{ dbt.type_string() }}) as member_id,
        pairs.role_category,
        case when pairs.is_vacant then 'vacancy_opened' else 'vacancy_filled' end as event_type

    from pairs
    inner join sequenced as before_same_post
        on before_same_post.org_code = pairs.org_code
        and before_same_post.register_number = pairs.register_number - 1
        and before_same_post.post_id = pairs.post_id
    where pairs.is_vacant <> before_same_post.is_vacant

),

events as (

    select * from holder_events where event_type is not null
    union all
    select * from departures
    union all
    select * from vacancy_events

),

final as (

    select
        org_code,
        as_at_date,
        post_id,
        event_type,
        member_id,
        role_category

    from events

)

select * from final
