with

source as (

    select * from {{ source('staff_survey', 'staff_survey_organisations') }}

),

final as (

    select
        cast(survey_year as {{ dbt.type_int() }}) as survey_year,
        upper({{ clean_text('org_code') }}) as org_code,
        {{ clean_text('org_name') }} as org_name,
        {{ clean_text('benchmarking_group') }} as benchmarking_group_label,
        {{ clean_text('region', ['-']) }} as region_name,
        {{ clean_text('ics', ['-']) }} as ics_name,
        {{ clean_text('weighting') }} as weighting,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
