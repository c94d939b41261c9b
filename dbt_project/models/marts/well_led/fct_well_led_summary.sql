{#
    Per organisation, period and CQC well-led quality statement: how many of the statement's assessed
    indicators are better than expected, as expected, worse or missing, and the evidence coverage. Evidence
    for a conversation, not a rating: nothing here is combined into a score or a grade.

    Expected indicators of a row: the statement's assessed indicators (assessment_method other than
    not_assessed, linked by seed indicator_quality_statements) that are published for at least one
    organisation in the period, from a source table that has rows for this organisation in the period. Missing =
    expected but without a value for the organisation (suppressed or absent). Every statement gets a row for
    every organisation and period of fct_well_led_indicators, with zero expected where no indicator in the
    warehouse evidences it.
#}

with

scorecard as (

    select * from {{ ref('fct_well_led_indicators') }}

),

indicators as (

    select * from {{ ref('dim_indicator') }}

),

indicator_statements as (

    select * from {{ ref('indicator_quality_statements') }}

),

statements as (

    select * from {{ ref('well_led_quality_statements') }}

),

statement_evidence as (

    -- Statements at least one assessed indicator of the catalogue evidences.
    select distinct indicator_statements.statement_code
    from indicator_statements
    inner join indicators
        on indicators.indicator_code = indicator_statements.indicator_code
    where indicators.assessment_method <> 'not_assessed'

),

organisation_periods as (

    select distinct org_code, period from scorecard

),

organisation_sources as (

    select distinct org_code, period, source_table from scorecard

),

published_indicators as (

    -- Indicators with a value for at least one organisation in the period.
    select distinct period, indicator_code from scorecard
    where value is not null

),

expected as (

    select
        organisation_sources.org_code,
        organisation_sources.period,
        indicator_statements.statement_code,
        indicators.indicator_code

    from organisation_sources
    inner join indicators
        on indicators.source_table = organisation_sources.source_table
        and indicators.assessment_method <> 'not_assessed'
    inner join published_indicators
        on published_indicators.period = organisation_sources.period
        and published_indicators.indicator_code = indicators.indicator_code
    inner join indicator_statements
        on indicator_statements.indicator_code = indicators.indicator_code

),

judged as (

    select
        expected.org_code,
        expected.period,
        expected.statement_code,
        expected.indicator_code,
        case
            when scorecard.indicator_code is null or scorecard.value is null then 'missing'
            else scorecard.assessment
        end as assessment,
        scorecard.trend

    from expected
    left join scorecard
        on scorecard.org_code = expected.org_code
        and scorecard.period = expected.period
        and scorecard.indicator_code = expected.indicator_code

),

counted as (

    select
        org_code,
        period,
        statement_code,
        count(*) as indicators_expected,
        sum(case when assessment = 'better' then 1 else 0 end) as better_count,
        sum(case when assessment = 'as_expected' then 1 else 0 end) as as_expected_count,
        sum(case when assessment = 'worse' then 1 else 0 end) as worse_count,
        sum(case when assessment = 'missing' then 1 else 0 end) as missing_count,
        sum(case when assessment = 'not_assessed' then 1 else 0 end) as not_assessed_count,
        sum(case when trend = 'better' then 1 else 0 end) as improved_count,
        sum(case when trend = 'worse' then 1 else 0 end) as deteriorated_count,
        {{ dbt.listagg("case when assessment = 'better' then indicator_code end", "'|'", 'order by indicator_code') }}
            as better_indicator_codes,
        {{ dbt.listagg("case when assessment = 'worse' then indicator_code end", "'|'", 'order by indicator_code') }}
            as worse_indicator_codes,
        {{ dbt.listagg("case when assessment = 'missing' then indicator_code end", "'|'", 'order by indicator_code') }}
            as missing_indicator_codes

    from judged
    group by org_code, period, statement_code

),

final as (

    select
        organisation_periods.org_code,
        organisation_periods.period,
        statements.statement_code,
        statements.statement_name,
        statements.statement_order,
        cast(coalesce(counted.indicators_expected, 0) as {{ dbt.type_int() }}) as indicators_expected,
        cast(coalesce(counted.better_count, 0) as {{ dbt.type_int() }}) as better_count,
        cast(coalesce(counted.as_expected_count, 0) as {{ dbt.type_int() }}) as as_expected_count,
        cast(coalesce(counted.worse_count, 0) as {{ dbt.type_int() }}) as worse_count,
        cast(coalesce(counted.missing_count, 0) as {{ dbt.type_int() }}) as missing_count,
        cast(coalesce(counted.not_assessed_count, 0) as {{ dbt.type_int() }}) as not_assessed_count,
        cast(coalesce(counted.improved_count, 0) as {{ dbt.type_int() }}) as improved_count,
        cast(coalesce(counted.deteriorated_count, 0) as {{ dbt.type_int() }}) as deteriorated_count,
        {{ safe_divide(
            '100 * (counted.better_count + counted.as_expected_count + counted.worse_count)',
            'counted.indicators_expected'
        ) }} as evidence_coverage_pct,
        case
            when counted.indicators_expected is null and statement_evidence.statement_code is null
                then 'no indicator in this warehouse evidences this statement'
            when counted.indicators_expected is null then 'no indicator of this statement published for the period'
            when counted.missing_count = counted.indicators_expected then 'no value for this organisation and period'
            when counted.missing_count > 0 or counted.not_assessed_count > 0 then 'partial'
            else 'complete'
        end as evidence_coverage,
        counted.better_indicator_codes,
        counted.worse_indicator_codes,
        counted.missing_indicator_codes

    from organisation_periods
    cross join statements
    left join statement_evidence
        on statement_evidence.statement_code = statements.statement_code
    left join counted
        on counted.org_code = organisation_periods.org_code
        and counted.period = organisation_periods.period
        and counted.statement_code = statements.statement_code

)

select * from final
