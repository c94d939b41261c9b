with

source as (

    select * from {{ source('board', 'board_registers') }}

),

renamed as (

    select
        upper({{ clean_text('org_code') }}) as org_code,
        cast(as_at_date as date) as as_at_date,
        {{ clean_text('post_id') }} as post_id,
        {{ clean_text('member_id') }} as member_id,
        {{ clean_text('role_title') }} as role_title,
        lower({{ clean_text('role_category') }}) as role_category,
        is_executive,
        is_voting,
        coalesce(is_interim, false) as is_interim,
        lower({{ clean_text('gender') }}) as gender,
        upper({{ clean_text('ethnic_category') }}) as ethnic_category,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        _source_file,
        _loaded_at,
        _row_number

    from source

),

final as (

    select
        org_code,
        as_at_date,
        post_id,
        member_id,
        member_id is null as is_vacant,
        role_title,
        role_category,
        is_executive,
        is_voting,
        is_interim,
        gender,
        ethnic_category,
        -- NHS data dictionary: A-C White; D-S the other groups (BME); Z not stated, 99 / blank not known.
        -- Read on the first letter so that extended local codes (e.g. C2, LH) fall in their group.
        case
            when substring(ethnic_category, 1, 1) in ('A', 'B', 'C') then 'white'
            when substring(ethnic_category, 1, 1) in (
                'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S'
            ) then 'bme'
        end as ethnic_group,
        start_date,
        end_date,
        _source_file,
        _loaded_at,
        _row_number

    from renamed

)

select * from final
