{#
    Every published indicator value in one long table, keyed (org_code, period, indicator_code), with
    merger-aware history: a predecessor's rows (seed org_successors, followed up to two mergers deep) are
    carried to its current successor code and flagged is_merger_history. Periods: staff survey = survey_year,
    WRES = reporting_year, board = year of the latest as-at date of the year (one register per trust and year),
    outcome sources = calendar year (int_outcomes__indicator_values).
    Where the successor has its own row for a period it wins; otherwise the predecessors' rows are combined:
    one predecessor is carried as is; several are pooled, base-weighted (sum(value * base_n) / sum(base_n)),
    when every one has a base, else the value is null (e.g. relative likelihoods, board measures).
    WRES rows carry the counts behind the value (white/bme numerator and denominator), so that a ratio that
    cannot be estimated is shown with them; the women-on-board row carries is_target_met (gender parity,
    fct_board_composition.is_gender_parity).
#}

{%- set board_measures = [
    'board_size', 'voting_members', 'executive_members', 'non_executive_members', 'vacant_posts',
    'interim_posts', 'women_pct', 'women_pct_voting', 'bme_pct_voting', 'bme_pct_executive',
    'bme_pct_non_executive', 'wres9_gap_pp', 'ceo_tenure_days', 'chair_tenure_days', 'ceo_changes_3y',
    'exec_appointed_12m_pct',
] %}

with

scores as (

    select * from {{ ref('int_staff_survey__scores') }}

),

questions as (

    select * from {{ ref('int_staff_survey__questions') }}

),

wres as (

    select * from {{ ref('int_wres__indicators') }}

),

board as (

    select * from {{ ref('int_board__composition') }}

),

successors as (

    select * from {{ ref('org_successors') }}

),

outcomes as (

    -- Sickness absence, CQC ratings and Friends and Family Test, already yearly (see that model).
    select * from {{ ref('int_outcomes__indicator_values') }}

),

board_latest as (

    -- The latest register of each trust in each year.
    select
        board.*,
        cast(extract(year from as_at_date) as {{ dbt.type_int() }}) as period,
        row_number() over (
            partition by org_code, extract(year from as_at_date)
            order by as_at_date desc
        ) as recency_rank

    from board

),

source_values as (

    select
        org_code,
        survey_year as period,
        indicator_code,
        'fct_staff_survey_scores' as source_table,
        cast(null as date) as source_as_at_date,
        cast(score as {{ type_double() }}) as value,
        base_n,
        cast(null as {{ type_double() }}) as ci_lower,
        cast(null as {{ type_double() }}) as ci_upper,
        is_suppressed,
        is_comparable_with_prior,
        cast(null as {{ type_double() }}) as white_numerator,
        cast(null as {{ type_double() }}) as white_denominator,
        cast(null as {{ type_double() }}) as bme_numerator,
        cast(null as {{ type_double() }}) as bme_denominator,
        cast(null as {{ dbt.type_boolean() }}) as is_target_met

    from scores

    union all

    select
        org_code,
        survey_year as period,
        indicator_code,
        'fct_staff_survey_questions' as source_table,
        cast(null as date) as source_as_at_date,
        cast(pct_positive as {{ type_double() }}) as value,
        base_n,
        cast(ci_lower as {{ type_double() }}) as ci_lower,
        cast(ci_upper as {{ type_double() }}) as ci_upper,
        is_suppressed,
        is_comparable_with_prior,
        cast(null as {{ type_double() }}) as white_numerator,
        cast(null as {{ type_double() }}) as white_denominator,
        cast(null as {{ type_double() }}) as bme_numerator,
        cast(null as {{ type_double() }}) as bme_denominator,
        cast(null as {{ dbt.type_boolean() }}) as is_target_met

    from questions
    -- Background and other neutral questions have no favourable answer, hence no value to assess.
    where polarity <> 'neutral'

    union all

    select
        org_code,
        reporting_year as period,
        indicator_code,
        'fct_wres_indicators' as source_table,
        cast(null as date) as source_as_at_date,
        cast(value as {{ type_double() }}) as value,
        cast(null as {{ dbt.type_bigint() }}) as base_n,
        cast(ci_lower as {{ type_double() }}) as ci_lower,
        cast(ci_upper as {{ type_double() }}) as ci_upper,
        false as is_suppressed,
        cast(null as {{ dbt.type_boolean() }}) as is_comparable_with_prior,
        cast(white_numerator as {{ type_double() }}) as white_numerator,
        cast(white_denominator as {{ type_double() }}) as white_denominator,
        cast(bme_numerator as {{ type_double() }}) as bme_numerator,
        cast(bme_denominator as {{ type_double() }}) as bme_denominator,
        cast(null as {{ dbt.type_boolean() }}) as is_target_met

    from wres

    {%- for measure in board_measures %}

    union all

    select
        org_code,
        period,
        'board_{{ measure }}' as indicator_code,
        'fct_board_composition' as source_table,
        as_at_date as source_as_at_date,
        cast({{ measure }} as {{ type_double() }}) as value,
        cast(null as {{ dbt.type_bigint() }}) as base_n,
        cast(null as {{ type_double() }}) as ci_lower,
        cast(null as {{ type_double() }}) as ci_upper,
        {% if measure.startswith('women') -%}
        {{ measure }} is null and is_gender_suppressed
        {%- elif measure.startswith('bme') or measure == 'wres9_gap_pp' -%}
        {{ measure }} is null and is_ethnicity_suppressed
        {%- else -%}
        false
        {%- endif %} as is_suppressed,
        cast(null as {{ dbt.type_boolean() }}) as is_comparable_with_prior,
        cast(null as {{ type_double() }}) as white_numerator,
        cast(null as {{ type_double() }}) as white_denominator,
        cast(null as {{ type_double() }}) as bme_numerator,
        cast(null as {{ type_double() }}) as bme_denominator,
        {% if measure == 'women_pct_voting' -%}
        is_gender_parity
        {%- else -%}
        cast(null as {{ dbt.type_boolean() }})
        {%- endif %} as is_target_met

    from board_latest
    where recency_rank = 1
    {%- endfor %}

    union all

    select
        org_code,
        period,
        indicator_code,
        source_table,
        source_as_at_date,
        value,
        base_n,
        ci_lower,
        ci_upper,
        is_suppressed,
        is_comparable_with_prior,
        cast(null as {{ type_double() }}) as white_numerator,
        cast(null as {{ type_double() }}) as white_denominator,
        cast(null as {{ type_double() }}) as bme_numerator,
        cast(null as {{ type_double() }}) as bme_denominator,
        cast(null as {{ dbt.type_boolean() }}) as is_target_met

    from outcomes

),

remapped as (

    select
        coalesce(second_merger.successor_code, first_merger.successor_code, source_values.org_code) as org_code,
        source_values.org_code as source_org_code,
        first_merger.predecessor_code is not null as is_merger_history,
        source_values.period,
        source_values.indicator_code,
        source_values.source_table,
        source_values.source_as_at_date,
        source_values.value,
        source_values.base_n,
        source_values.ci_lower,
        source_values.ci_upper,
        source_values.is_suppressed,
        source_values.is_comparable_with_prior,
        source_values.white_numerator,
        source_values.white_denominator,
        source_values.bme_numerator,
        source_values.bme_denominator,
        source_values.is_target_met

    from source_values
    left join successors as first_merger
        on first_merger.predecessor_code = source_values.org_code
    left join successors as second_merger
        on second_merger.predecessor_code = first_merger.successor_code

),

own_first as (

    select
        remapped.*,
        max(case when remapped.is_merger_history then 0 else 1 end) over (
            partition by remapped.org_code, remapped.period, remapped.indicator_code
        ) as has_own_row

    from remapped

),

kept as (

    select * from own_first
    where has_own_row = 0 or not is_merger_history

),

combined as (

    select
        org_code,
        period,
        indicator_code,
        max(source_table) as source_table,
        {{ sorted_join('source_org_code') }} as source_org_codes,
        max(source_as_at_date) as source_as_at_date,
        max(case when is_merger_history then 1 else 0 end) = 1 as is_merger_history,
        count(*) as source_rows,
        case
            when count(*) = 1 then max(value)
            -- Summed as decimals (exact), so the order predecessors are added in cannot change the result.
            when count(value) = count(*) and count(base_n) = count(*) and sum(base_n) > 0
                then cast(sum(cast(value * base_n as decimal(38, 12))) / sum(base_n) as {{ type_double() }})
        end as value,
        case when count(*) = 1 or count(base_n) = count(*) then sum(base_n) end as base_n,
        case when count(*) = 1 then max(ci_lower) end as ci_lower,
        case when count(*) = 1 then max(ci_upper) end as ci_upper,
        max(case when is_suppressed then 1 else 0 end) = 1 as is_suppressed,
        case
            when count(is_comparable_with_prior) = 0 then null
            else min(case when is_comparable_with_prior then 1 else 0 end) = 1
        end as is_comparable_with_prior,
        -- Like the interval, the counts behind a ratio and a target met are a single source row's only.
        case when count(*) = 1 then max(white_numerator) end as white_numerator,
        case when count(*) = 1 then max(white_denominator) end as white_denominator,
        case when count(*) = 1 then max(bme_numerator) end as bme_numerator,
        case when count(*) = 1 then max(bme_denominator) end as bme_denominator,
        case
            when count(*) = 1 and count(is_target_met) = 1 then max(case when is_target_met then 1 else 0 end) = 1
        end as is_target_met

    from kept
    group by org_code, period, indicator_code

),

final as (

    select
        org_code,
        period,
        indicator_code,
        source_table,
        source_org_codes,
        source_as_at_date,
        is_merger_history,
        source_rows,
        value,
        base_n,
        -- A pooled proportion gets its own Wilson interval; a pooled score has none.
        case
            when source_rows = 1 then ci_lower
            when source_table = 'fct_staff_survey_questions' and value is not null
                then least(value, 100 * {{ wilson_interval('value / 100', 'base_n', 'lower') }})
        end as ci_lower,
        case
            when source_rows = 1 then ci_upper
            when source_table = 'fct_staff_survey_questions' and value is not null
                then greatest(value, 100 * {{ wilson_interval('value / 100', 'base_n', 'upper') }})
        end as ci_upper,
        is_suppressed,
        is_comparable_with_prior,
        white_numerator,
        white_denominator,
        bme_numerator,
        bme_denominator,
        is_target_met

    from combined

)

select * from final
