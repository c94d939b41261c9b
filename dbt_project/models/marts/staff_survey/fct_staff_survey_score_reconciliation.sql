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
        recomputed_score,
        difference,
        abs_difference,
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
