with

source as (

    select * from {{ source('staff_survey', 'staff_survey_national') }}

),

final as (

    select
        cast(survey_year as {{ dbt.type_int() }}) as survey_year,
        coalesce({{ clean_text('breakdown') }}, 'All trusts') as breakdown,
        coalesce({{ clean_text('breakdown_subgroup') }}, 'All trusts') as breakdown_subgroup,
        {{ clean_text('weighting') }} as weighting,
        lower({{ clean_text('result_kind') }}) as result_kind,
        case
            when lower(result_kind) = 'score' then upper({{ clean_text('code') }})
            else {{ clean_text('code') }}
        end as code,
        {{ clean_text('label_text') }} as label_text,
        cast(coalesce(option_order, 0) as {{ dbt.type_int() }}) as option_order,
        {{ clean_text('option_label') }} as option_label,
        cast(value as {{ type_double() }}) as value,
        cast(base_n as {{ dbt.type_int() }}) as base_n,
        coalesce(is_suppressed, false) as is_suppressed,
        _sheet as source_sheet,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
