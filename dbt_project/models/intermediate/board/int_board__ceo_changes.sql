{#
    Chief executive turnover, one row per trust register (org_code, as_at_date).
    The registers of a trust are read in date order, keeping those where the chief executive post is filled
    (a vacant quarter neither starts nor ends a tenure: A, vacant, B is one change; A, vacant, A is none).
    A change is a pair of consecutive such registers whose chief executive member_id differs.
    ceo_changes_3y counts the changes whose pair lies within [as_at_date - 3 years, as_at_date]; it is null
    when no pair lies in that window (a single register cannot show a change).
#}

with

registers as (

    select * from {{ ref('stg_board__registers') }}

),

register_dates as (

    select distinct org_code, as_at_date
    from registers

),

chief_executives as (

    select
        org_code,
        as_at_date,
        min(member_id) as ceo_member_id

    from registers
    where role_category = 'chief_executive'
      and member_id is not null
    group by org_code, as_at_date

),

consecutive_pairs as (

    select
        org_code,
        as_at_date,
        ceo_member_id,
        lag(as_at_date) over (partition by org_code order by as_at_date) as previous_as_at_date,
        lag(ceo_member_id) over (partition by org_code order by as_at_date) as previous_ceo_member_id

    from chief_executives

),

final as (

    select
        register_dates.org_code,
        register_dates.as_at_date,
        cast(count(consecutive_pairs.as_at_date) as {{ dbt.type_int() }}) as ceo_register_pairs_3y,
        case
            when count(consecutive_pairs.as_at_date) = 0 then null
            else cast(sum(
                case when consecutive_pairs.ceo_member_id <> consecutive_pairs.previous_ceo_member_id then 1 else 0 end
            ) as {{ dbt.type_int() }})
        end as ceo_changes_3y

    from register_dates
    left join consecutive_pairs
        on consecutive_pairs.org_code = register_dates.org_code
        and consecutive_pairs.as_at_date <= register_dates.as_at_date
        and consecutive_pairs.previous_as_at_date >= {{ dbt.dateadd('year', -3, 'register_dates.as_at_date') }}
    group by register_dates.org_code, register_dates.as_at_date

)

select * from final
