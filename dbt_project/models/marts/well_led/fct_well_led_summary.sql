{#
    Per organisation, period and CQC well-led quality statement: what the statement's evidence says, with
    tested verdicts and positions kept apart. Evidence for a conversation, not a rating: nothing here is
    combined into a score or a grade.

    Expected indicators of a row: the statement's assessed indicators (assessment_method other than
    not_assessed, linked by seed indicator_quality_statements) that are published for at least one
    organisation in the period, from a source table that has rows for this organisation in the period.
    Each construct is counted once per statement:
      - indicators sharing a construct (dim_indicator.construct_code: WRES 9 from the return, its executive
        and non-executive breakdowns, the register's gap) count as the expected one with the lowest
        construct_rank (wres_9_voting);
      - an element or theme counts only where none of its sub-scores is expected for the statement
        (dim_indicator.parent_indicator_code): an element or its sub-scores, never both.
    Every counted indicator falls in exactly one of: a tested verdict (better, as_expected, worse,
    outside_band_not_significant, not_estimable), a position (top_quarter, middle, bottom_quarter; scores and
    counts, no test), missing (no value) or not_assessed (a value, but no comparator or interval). Each count
    has the '|'-list of the codes behind it, so a count always equals its list.
    Chance: chance_flags_expected adds the indicators' chance_flag_rate over the tested verdicts, the number of
    better/worse flags chance alone would give when nothing differs; chance_trend_changes_expected is 5% of
    the trends tested at 95%.
#}

{%- set categories = ['better', 'as_expected', 'worse', 'outside_band_not_significant', 'not_estimable',
                      'top_quarter', 'middle', 'bottom_quarter', 'missing', 'not_assessed'] %}
{%- set verdicts = ['better', 'as_expected', 'worse', 'outside_band_not_significant'] %}
{%- set chance_of_change = 0.05 %}

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
        indicators.indicator_code,
        indicators.construct_code,
        indicators.parent_indicator_code,
        indicators.chance_flag_rate,
        row_number() over (
            partition by organisation_sources.org_code, organisation_sources.period,
                indicator_statements.statement_code, indicators.construct_code
            order by indicators.construct_rank, indicators.indicator_code
        ) as construct_order

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

one_per_construct as (

    select * from expected
    where construct_order = 1

),

expected_children as (

    select distinct org_code, period, statement_code, parent_indicator_code
    from one_per_construct
    where parent_indicator_code is not null

),

counted_indicators as (

    -- An element or theme only where none of its sub-scores counts for the statement.
    select one_per_construct.*
    from one_per_construct
    left join expected_children
        on expected_children.org_code = one_per_construct.org_code
        and expected_children.period = one_per_construct.period
        and expected_children.statement_code = one_per_construct.statement_code
        and expected_children.parent_indicator_code = one_per_construct.indicator_code
    where expected_children.parent_indicator_code is null

),

judged as (

    select
        counted_indicators.org_code,
        counted_indicators.period,
        counted_indicators.statement_code,
        counted_indicators.indicator_code,
        counted_indicators.chance_flag_rate,
        case
            when scorecard.indicator_code is null then 'missing'
            when scorecard.assessment = 'position_only' then coalesce(scorecard.comparator_position, 'not_assessed')
            else scorecard.assessment
        end as category,
        scorecard.trend

    from counted_indicators
    left join scorecard
        on scorecard.org_code = counted_indicators.org_code
        and scorecard.period = counted_indicators.period
        and scorecard.indicator_code = counted_indicators.indicator_code

),

counted as (

    select
        org_code,
        period,
        statement_code,
        count(*) as indicators_expected,
        {%- for category in categories %}
        sum(case when category = '{{ category }}' then 1 else 0 end) as {{ category }}_count,
        {{ sorted_join("case when category = '" ~ category ~ "' then indicator_code end") }}
            as {{ category }}_indicator_codes,
        {%- endfor %}
        sum(case when category in ('{{ verdicts | join("', '") }}') then 1 else 0 end) as tested_count,
        -- Summed as exact decimals: a float sum depends on the order rows arrive in, and the same landing must
        -- publish the same table.
        sum(case when category in ('{{ verdicts | join("', '") }}')
            then cast(coalesce(chance_flag_rate, 0) as {{ dbt.type_numeric() }}) else 0 end) as chance_flags_expected,
        sum(case when trend = 'improved' then 1 else 0 end) as improved_count,
        sum(case when trend = 'deteriorated' then 1 else 0 end) as deteriorated_count,
        sum(case when trend in ('improved', 'deteriorated', 'no_significant_change') then 1 else 0 end)
            as trends_tested_count,
        {{ sorted_join("case when trend = 'improved' then indicator_code end") }}
            as improved_indicator_codes,
        {{ sorted_join("case when trend = 'deteriorated' then indicator_code end") }}
            as deteriorated_indicator_codes

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
        {%- for category in categories %}
        cast(coalesce(counted.{{ category }}_count, 0) as {{ dbt.type_int() }}) as {{ category }}_count,
        {%- endfor %}
        cast(coalesce(counted.tested_count, 0) as {{ dbt.type_int() }}) as tested_count,
        cast(coalesce(counted.chance_flags_expected, 0) as {{ type_double() }}) as chance_flags_expected,
        cast(coalesce(counted.improved_count, 0) as {{ dbt.type_int() }}) as improved_count,
        cast(coalesce(counted.deteriorated_count, 0) as {{ dbt.type_int() }}) as deteriorated_count,
        cast(coalesce(counted.trends_tested_count, 0) as {{ dbt.type_int() }}) as trends_tested_count,
        cast({{ chance_of_change }} * coalesce(counted.trends_tested_count, 0) as {{ type_double() }})
            as chance_trend_changes_expected,
        {{ safe_divide(
            '100 * (counted.indicators_expected - counted.missing_count - counted.not_assessed_count)',
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
        {%- for category in categories %}
        counted.{{ category }}_indicator_codes,
        {%- endfor %}
        counted.improved_indicator_codes,
        counted.deteriorated_indicator_codes

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
