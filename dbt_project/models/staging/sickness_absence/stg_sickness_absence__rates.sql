with

source as (

    select * from {{ source('sickness_absence', 'sickness_absence_rates') }}

),

final as (

    select
        upper({{ clean_text('org_code') }}) as org_code,
        cast(month as date) as month,
        {{ clean_text('org_name') }} as org_name,
        {{ clean_text('org_type') }} as org_type,
        cast(fte_days_lost as {{ type_double() }}) as fte_days_lost,
        cast(fte_days_available as {{ type_double() }}) as fte_days_available,
        cast(rate_pct as {{ type_double() }}) as published_rate_pct,
        is_suppressed,
        layout,
        -- The legacy long series gives months a monthly file may give again: the monthly file is preferred.
        case when layout = 'legacy' then 2 else 1 end as layout_precedence,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
