with

source as (

    select * from {{ source('cqc_ratings', 'cqc_ratings') }}

),

final as (

    select
        upper({{ clean_text('provider_id') }}) as org_code,
        cast(release_date as date) as release_date,
        {{ clean_text('provider_name') }} as provider_name,
        {{ clean_text('primary_inspection_category') }} as primary_inspection_category,
        {{ clean_text('domain') }} as domain,
        case {{ clean_text('domain') }}
            when 'Overall' then 'overall'
            when 'Safe' then 'safe'
            when 'Effective' then 'effective'
            when 'Caring' then 'caring'
            when 'Responsive' then 'responsive'
            when 'Well-led' then 'well_led'
        end as domain_code,
        {{ clean_text('rating') }} as rating,
        -- Ordinal position of the four ratings; Insufficient evidence to rate and Not Rated have none.
        case {{ clean_text('rating') }}
            when 'Inadequate' then 1
            when 'Requires improvement' then 2
            when 'Good' then 3
            when 'Outstanding' then 4
        end as rating_ordinal,
        cast(rating_publication_date as date) as rating_publication_date,
        {{ clean_text('report_type') }} as report_type,
        is_inherited,
        _source_file,
        _loaded_at,
        _row_number

    from source

)

select * from final
