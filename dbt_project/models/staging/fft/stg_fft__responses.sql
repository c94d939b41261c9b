with

source as (

    select * from {{ source('fft', 'fft_responses') }}

),

final as (

    select
        upper({{ clean_text('org_code') }}) as org_code,
        cast(month as date) as month,
        lower({{ clean_text('setting') }}) as setting,
        {{ clean_text('org_name') }} as org_name,
        upper({{ clean_text('icb_code') }}) as icb_code,
        cast(total_responses as {{ dbt.type_bigint() }}) as total_responses,
        cast(total_eligible as {{ dbt.type_bigint() }}) as total_eligible,
        cast(pct_positive as {{ type_double() }}) as published_pct_positive,
        cast(pct_negative as {{ type_double() }}) as published_pct_negative,
        -- Positive = Very Good + Good; the denominator is all six answers, Don't Know included.
        cast(very_good + good as {{ dbt.type_bigint() }}) as positive_responses,
        cast(very_good + good + neither_good_nor_poor + poor + very_poor + dont_know as {{ dbt.type_bigint() }})
            as answered_responses,
        is_suppressed,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
