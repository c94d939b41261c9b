with

source as (

    select * from {{ source('wres', 'wres_returns') }}

),

final as (

    select
        upper({{ clean_text('org_code') }}) as org_code,
        cast(reporting_year as {{ dbt.type_int() }}) as reporting_year,
        cast(indicator as {{ dbt.type_int() }}) as indicator_number,
        lower({{ clean_text('staff_group') }}) as staff_group,
        lower({{ clean_text('band') }}) as band,
        lower({{ clean_text('ethnicity') }}) as ethnicity,
        lower({{ clean_text('measure') }}) as measure,
        cast({{ adapter.quote('count') }} as {{ dbt.type_bigint() }}) as people_count,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
