with

source as (

    select * from {{ source('ods', 'ods_trusts') }}

),

final as (

    select
        upper({{ clean_text('org_code') }}) as org_code,
        {{ clean_text('org_name') }} as org_name,
        upper({{ clean_text('region_code') }}) as region_code,
        upper({{ clean_text('icb_code') }}) as icb_code,
        upper({{ clean_text('postcode') }}) as postcode,
        cast(open_date as date) as open_date,
        cast(close_date as date) as close_date,
        upper({{ clean_text('gor_code') }}) as gor_code,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
