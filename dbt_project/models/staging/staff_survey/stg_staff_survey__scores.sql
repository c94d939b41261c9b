with

source as (

    select * from {{ source('staff_survey', 'staff_survey_scores') }}

),

final as (

    select
        cast(survey_year as {{ dbt.type_int() }}) as survey_year,
        upper({{ clean_text('org_code') }}) as org_code,
        upper({{ clean_text('measure_code') }}) as measure_code,
        {{ clean_text('measure_name') }} as measure_name,
        cast(score as {{ type_double() }}) as score,
        cast(base_n as {{ dbt.type_int() }}) as base_n,
        coalesce(is_suppressed, false) as is_suppressed,
        _sheet as source_sheet,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
