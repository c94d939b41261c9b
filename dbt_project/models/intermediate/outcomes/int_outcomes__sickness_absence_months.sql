{#
    One row per organisation and month of sickness absence. Where the legacy long series and a monthly file
    both give a month, the monthly file's row is kept (layout_precedence); two files of one kind giving the
    same month were already refused on ingest.
#}

with

rates as (

    select * from {{ ref('stg_sickness_absence__rates') }}

),

ranked as (

    select
        rates.*,
        row_number() over (
            partition by org_code, month
            order by layout_precedence, _source_file
        ) as precedence_rank

    from rates

),

final as (

    select
        org_code,
        month,
        org_name,
        org_type,
        fte_days_lost,
        fte_days_available,
        published_rate_pct,
        is_suppressed,
        layout,
        _source_file as source_file

    from ranked
    where precedence_rank = 1

)

select * from final
