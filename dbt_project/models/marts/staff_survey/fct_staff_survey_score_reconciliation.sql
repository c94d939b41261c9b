with

reconciliation as (

    select * from {{ ref('int_staff_survey__score_reconciliation') }}

),

final as (

    select
        org_code,
        survey_year,
        measure_code,
        published_score,
        -- Rounded to 10 decimals: the recomputation sums floats in an engine-chosen order, and the last
        -- bits would otherwise differ between identical refreshes (the idempotence test caught it).
        cast(round(cast(recomputed_score as decimal(38, 12)), 10) as {{ type_double() }}) as recomputed_score,
        cast(round(cast(difference as decimal(38, 12)), 10) as {{ type_double() }}) as difference,
        cast(round(cast(abs_difference as decimal(38, 12)), 10) as {{ type_double() }}) as abs_difference,
        items_scored,
        items_expected,
        is_reconcilable,
        reconciliation_note,
        tolerance,
        reconciliation_status,
        case
            when reconciliation_status = 'outside_tolerance'
                then {{ dbt.concat(['org_code', "' '", 'cast(survey_year as ' ~ dbt.type_string() ~ ')', "' '", 'measure_code']) }}
        end as outside_tolerance_label

    from reconciliation

)

select * from final
