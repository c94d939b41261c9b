with

source as (

    select * from {{ source('staff_survey', 'staff_survey_wres') }}

),

renamed as (

    select
        cast(survey_year as {{ dbt.type_int() }}) as survey_year,
        upper({{ clean_text('org_code') }}) as org_code,
        {{ clean_text('benchmarking_group') }} as benchmarking_group_label,
        lower({{ clean_text('stem') }}) as stem,
        lower({{ clean_text('ethnicity') }}) as ethnicity,
        cast(pct as {{ type_double() }}) as pct,
        cast(base_n as {{ dbt.type_int() }}) as base_n,
        _sheet as source_sheet,
        _source_file,
        _loaded_at,
        _row_number

    from source

),

final as (

    select
        survey_year,
        org_code,
        benchmarking_group_label,
        stem,
        case stem
            when 'har_from_pat' then 5
            when 'har_from_staff' then 6
            when 'equal' then 7
            when 'q16b' then 8
        end as wres_indicator_number,
        ethnicity,
        pct,
        base_n,
        source_sheet,
        _source_file,
        _loaded_at,
        _row_number

    from renamed

)

select * from final
