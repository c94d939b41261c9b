with

source as (

    select * from {{ source('staff_survey', 'staff_survey_question_options') }}

),

final as (

    select
        cast(survey_year as {{ dbt.type_int() }}) as survey_year,
        upper({{ clean_text('org_code') }}) as org_code,
        {{ clean_text('question_code') }} as question_code,
        {{ clean_text('question_text') }} as question_text,
        cast(option_order as {{ dbt.type_int() }}) as option_order,
        {{ clean_text('option_label') }} as option_label,
        cast(pct as {{ type_double() }}) as pct,
        cast(base_n as {{ dbt.type_int() }}) as base_n,
        coalesce(is_suppressed, false) as is_suppressed,
        _sheet as source_sheet,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
