{#
    The well-led scorecard: every published indicator value per organisation, period and indicator, set
    against a comparator and judged by the method dim_indicator names (assessment_method):

      funnel_proportion  staff survey question % positive with its base: Spiegelhalter funnel plot around the
                         comparator's pooled proportion p0, limits p0 +/- z * sqrt(phi * p0 (1 - p0) / n) at 95%
                         (z 1.959964) and 99.8% (z 3.090232). phi, the multiplicative overdispersion factor, is
                         the mean of the squared z-scores winsorised at the comparator's 10th and 90th
                         percentiles, floored at 1. Outside the 99.8% limits = better / worse than expected.
      quartile           scores and counts without a spread: above the comparator's upper quartile = better,
                         below the lower quartile = worse (in the direction of good); a position, not a test.
      target_band        inside [target_lower, target_upper] = as expected, outside = worse (WRES 2-4 0.80-1.25,
                         women on the voting board 45-55%).
      target_minimum     value >= target_lower = as expected, below = worse (WRES 9 gaps, 0 or above).
      target_parity      WRES 5-8 BME minus White gaps: the 95% interval excludes 0 on the favourable side =
                         better, on the adverse side = worse, else as expected.
      not_assessed       descriptive indicators (counts, WRES 1 bands, tenure): no flag.

    Comparator: the organisation's benchmarking group (dim_organisation, latest survey year) when at least
    var('well_led_min_comparator', 5) organisations of the group have a value for the indicator and period;
    otherwise, for an NHS trust (or a survey unit of one), every trust with a value (England); else not assessed.
    ICBs, CSUs, social enterprises and others are never pooled with trusts: their staff and boards differ.
#}

{%- set min_comparator = var('well_led_min_comparator', 5) %}
{%- set z95 = 1.959963985 %}
{%- set z998 = 3.090232306 %}

with

indicator_values as (

    select * from {{ ref('int_well_led__indicator_values') }}

),

indicators as (

    select * from {{ ref('dim_indicator') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}

),

valued as (

    select
        indicator_values.*,
        organisations.benchmarking_group_code,
        coalesce(organisations.org_kind in ('trust', 'split_unit'), false) as is_trust,
        indicators.unit,
        indicators.direction_of_good,
        indicators.assessment_method,
        indicators.target_value,
        indicators.target_lower,
        indicators.target_upper,
        indicators.comparable_from_year,
        indicators.assessment_method = 'funnel_proportion' and indicator_values.base_n > 0 as is_funnel_row

    from indicator_values
    inner join indicators
        on indicators.indicator_code = indicator_values.indicator_code
    left join organisations
        on organisations.org_code = indicator_values.org_code

),

scoped as (

    select
        'benchmark_group' as comparator_level,
        benchmarking_group_code as comparator_code,
        valued.*
    from valued
    where benchmarking_group_code is not null and value is not null

    union all

    select
        'england' as comparator_level,
        'ENG' as comparator_code,
        valued.*
    from valued
    where is_trust and value is not null

),

scope_stats as (

    select
        comparator_level,
        comparator_code,
        period,
        indicator_code,
        count(*) as comparator_org_count,
        percentile_cont(0.25) within group (order by value) as benchmark_p25,
        percentile_cont(0.5) within group (order by value) as benchmark_median,
        percentile_cont(0.75) within group (order by value) as benchmark_p75,
        -- Summed as decimals: exact, so the result does not depend on the order parallel threads add rows in
        -- (a floating-point sum does, and identical refreshes must publish identical limits and flags).
        cast({{ safe_divide(
            'sum(case when is_funnel_row then cast(value * base_n as decimal(38, 12)) end) / 100',
            'sum(case when is_funnel_row then base_n end)'
        ) }} as {{ type_double() }}) as pooled_proportion

    from scoped
    group by comparator_level, comparator_code, period, indicator_code

),

scoped_z as (

    select
        scoped.comparator_level,
        scoped.comparator_code,
        scoped.period,
        scoped.indicator_code,
        case
            when scoped.is_funnel_row and scope_stats.pooled_proportion > 0 and scope_stats.pooled_proportion < 1
                then (scoped.value / 100 - scope_stats.pooled_proportion)
                    / sqrt(scope_stats.pooled_proportion * (1 - scope_stats.pooled_proportion) / scoped.base_n)
        end as z_score

    from scoped
    inner join scope_stats
        on scope_stats.comparator_level = scoped.comparator_level
        and scope_stats.comparator_code = scoped.comparator_code
        and scope_stats.period = scoped.period
        and scope_stats.indicator_code = scoped.indicator_code

),

z_bounds as (

    select
        comparator_level,
        comparator_code,
        period,
        indicator_code,
        percentile_cont(0.1) within group (order by z_score) as z_p10,
        percentile_cont(0.9) within group (order by z_score) as z_p90

    from scoped_z
    where z_score is not null
    group by comparator_level, comparator_code, period, indicator_code

),

overdispersion as (

    select
        scoped_z.comparator_level,
        scoped_z.comparator_code,
        scoped_z.period,
        scoped_z.indicator_code,
        cast(avg(cast(power(least(greatest(scoped_z.z_score, z_bounds.z_p10), z_bounds.z_p90), 2) as decimal(38, 12)))
            as {{ type_double() }}) as phi_estimate

    from scoped_z
    inner join z_bounds
        on z_bounds.comparator_level = scoped_z.comparator_level
        and z_bounds.comparator_code = scoped_z.comparator_code
        and z_bounds.period = scoped_z.period
        and z_bounds.indicator_code = scoped_z.indicator_code
    where scoped_z.z_score is not null
    group by scoped_z.comparator_level, scoped_z.comparator_code, scoped_z.period, scoped_z.indicator_code

),

comparators as (

    select
        scope_stats.comparator_level,
        scope_stats.comparator_code,
        scope_stats.period,
        scope_stats.indicator_code,
        scope_stats.comparator_org_count,
        scope_stats.benchmark_p25,
        scope_stats.benchmark_median,
        scope_stats.benchmark_p75,
        scope_stats.pooled_proportion,
        overdispersion.phi_estimate,
        greatest(1, coalesce(overdispersion.phi_estimate, 1)) as phi

    from scope_stats
    left join overdispersion
        on overdispersion.comparator_level = scope_stats.comparator_level
        and overdispersion.comparator_code = scope_stats.comparator_code
        and overdispersion.period = scope_stats.period
        and overdispersion.indicator_code = scope_stats.indicator_code

),

with_comparator as (

    select
        valued.*,
        case
            when peer_group.comparator_org_count >= {{ min_comparator }} then 'benchmark_group'
            when england.comparator_org_count >= {{ min_comparator }} then 'england'
        end as comparator_level,
        case
            when peer_group.comparator_org_count >= {{ min_comparator }} then peer_group.comparator_code
            when england.comparator_org_count >= {{ min_comparator }} then 'ENG'
        end as comparator_code

    from valued
    left join comparators as peer_group
        on peer_group.comparator_level = 'benchmark_group'
        and peer_group.comparator_code = valued.benchmarking_group_code
        and peer_group.period = valued.period
        and peer_group.indicator_code = valued.indicator_code
    left join comparators as england
        on valued.is_trust
        and england.comparator_level = 'england'
        and england.period = valued.period
        and england.indicator_code = valued.indicator_code

),

limits as (

    select
        with_comparator.*,
        comparators.comparator_org_count,
        comparators.benchmark_p25,
        comparators.benchmark_median,
        comparators.benchmark_p75,
        case when with_comparator.is_funnel_row then 100 * comparators.pooled_proportion end as funnel_target,
        case when with_comparator.is_funnel_row then comparators.phi_estimate end as overdispersion_phi_estimate,
        case when with_comparator.is_funnel_row then comparators.phi end as overdispersion_phi,
        case
            when with_comparator.is_funnel_row
                and comparators.pooled_proportion > 0 and comparators.pooled_proportion < 1
                then sqrt(comparators.phi * comparators.pooled_proportion * (1 - comparators.pooled_proportion)
                    / with_comparator.base_n)
        end as funnel_se

    from with_comparator
    left join comparators
        on comparators.comparator_level = with_comparator.comparator_level
        and comparators.comparator_code = with_comparator.comparator_code
        and comparators.period = with_comparator.period
        and comparators.indicator_code = with_comparator.indicator_code

),

funnels as (

    select
        limits.*,
        greatest(0, funnel_target - 100 * {{ z95 }} * funnel_se) as funnel_lower_95,
        least(100, funnel_target + 100 * {{ z95 }} * funnel_se) as funnel_upper_95,
        greatest(0, funnel_target - 100 * {{ z998 }} * funnel_se) as funnel_lower_998,
        least(100, funnel_target + 100 * {{ z998 }} * funnel_se) as funnel_upper_998,
        {{ safe_divide('value - funnel_target', '100 * funnel_se') }} as funnel_z_score

    from limits

),

assessed as (

    select
        funnels.*,
        case
            when value is null then 'missing'
            when assessment_method = 'not_assessed' then 'not_assessed'
            when assessment_method = 'funnel_proportion' then case
                when comparator_level is null or funnel_se is null then 'not_assessed'
                when value > funnel_upper_998 then case when direction_of_good = 'lower' then 'worse' else 'better' end
                when value < funnel_lower_998 then case when direction_of_good = 'lower' then 'better' else 'worse' end
                else 'as_expected'
            end
            when assessment_method = 'quartile' then case
                when comparator_level is null then 'not_assessed'
                when value > benchmark_p75 then case when direction_of_good = 'lower' then 'worse' else 'better' end
                when value < benchmark_p25 then case when direction_of_good = 'lower' then 'better' else 'worse' end
                else 'as_expected'
            end
            when assessment_method = 'target_band' then case
                when value >= target_lower and value <= target_upper then 'as_expected'
                else 'worse'
            end
            when assessment_method = 'target_minimum' then case
                when value >= target_lower then 'as_expected'
                else 'worse'
            end
            when assessment_method = 'target_parity' then case
                when ci_lower is null or ci_upper is null then 'not_assessed'
                when ci_lower > 0 then case when direction_of_good = 'lower' then 'worse' else 'better' end
                when ci_upper < 0 then case when direction_of_good = 'lower' then 'better' else 'worse' end
                else 'as_expected'
            end
            else 'not_assessed'
        end as assessment,
        case
            when value is null and is_suppressed then 'suppressed (fewer than 10 responses, or small numbers)'
            when value is null then 'no value for this period'
            when assessment_method = 'not_assessed' then 'descriptive indicator: not assessed'
            when assessment_method in ('funnel_proportion', 'quartile') and comparator_level is null
                then 'fewer than {{ min_comparator }} organisations to compare with'
            when assessment_method = 'funnel_proportion' and funnel_se is null
                then 'funnel undefined (comparator proportion 0 or 100%)'
            when assessment_method = 'funnel_proportion' then 'funnel plot, 99.8% limits, overdispersion-adjusted'
            when assessment_method = 'quartile' then 'position among the comparator quartiles'
            when assessment_method = 'target_parity' and (ci_lower is null or ci_upper is null)
                then 'no interval to test parity'
            when assessment_method = 'target_parity' then '95% interval of the gap against 0'
            else 'against the target'
        end as assessment_basis

    from funnels

),

with_prior as (

    select
        assessed.*,
        lag(period) over (partition by org_code, indicator_code order by period) as previous_period,
        lag(value) over (partition by org_code, indicator_code order by period) as previous_value,
        lag(base_n) over (partition by org_code, indicator_code order by period) as previous_base_n

    from assessed

),

trend as (

    select
        with_prior.*,
        coalesce(
            previous_period = period - 1
            and previous_period >= coalesce(comparable_from_year, previous_period)
            and coalesce(is_comparable_with_prior, true)
            and value is not null and previous_value is not null,
            false
        ) as has_comparable_prior

    from with_prior

),

final as (

    select
        trend.org_code,
        trend.period,
        trend.indicator_code,
        trend.source_table,
        trend.source_org_codes,
        trend.source_as_at_date,
        trend.is_merger_history,
        trend.value,
        trend.unit,
        trend.base_n,
        trend.ci_lower,
        trend.ci_upper,
        trend.is_suppressed,
        trend.direction_of_good,
        trend.assessment_method,
        trend.benchmarking_group_code,
        trend.comparator_level,
        trend.comparator_code,
        trend.comparator_org_count,
        trend.benchmark_p25,
        trend.benchmark_median,
        trend.benchmark_p75,
        case
            when trend.value is null or trend.comparator_level is null then null
            when trend.value < trend.benchmark_p25 then 1
            when trend.value <= trend.benchmark_median then 2
            when trend.value <= trend.benchmark_p75 then 3
            else 4
        end as quartile_position,
        trend.funnel_target,
        trend.overdispersion_phi_estimate,
        trend.overdispersion_phi,
        trend.funnel_lower_95,
        trend.funnel_upper_95,
        trend.funnel_lower_998,
        trend.funnel_upper_998,
        trend.funnel_z_score,
        trend.assessment,
        trend.assessment_basis,
        case when trend.has_comparable_prior then trend.previous_period end as prior_period,
        case when trend.has_comparable_prior then trend.previous_value end as prior_value,
        case when trend.has_comparable_prior then trend.value - trend.previous_value end as change,
        case
            when not trend.has_comparable_prior or trend.direction_of_good = 'none' then null
            when trend.value = trend.previous_value then 'no_change'
            when trend.direction_of_good in ('higher', 'at_least_0')
                then case when trend.value > trend.previous_value then 'better' else 'worse' end
            when trend.direction_of_good = 'lower'
                then case when trend.value < trend.previous_value then 'better' else 'worse' end
            when trend.direction_of_good = 'closer_to_1'
                then case when abs(trend.value - 1) < abs(trend.previous_value - 1) then 'better'
                    when abs(trend.value - 1) > abs(trend.previous_value - 1) then 'worse' else 'no_change' end
            when trend.direction_of_good = 'closer_to_50'
                then case when abs(trend.value - 50) < abs(trend.previous_value - 50) then 'better'
                    when abs(trend.value - 50) > abs(trend.previous_value - 50) then 'worse' else 'no_change' end
        end as trend,
        case
            when not trend.has_comparable_prior then null
            when trend.assessment_method <> 'funnel_proportion' then null
            when trend.base_n is null or trend.previous_base_n is null then null
            else 100 * {{ newcombe_difference_interval(
                'trend.previous_value / 100', 'trend.previous_base_n',
                'trend.value / 100', 'trend.base_n', 'lower') }} > 0
                or 100 * {{ newcombe_difference_interval(
                'trend.previous_value / 100', 'trend.previous_base_n',
                'trend.value / 100', 'trend.base_n', 'upper') }} < 0
        end as is_change_significant

    from trend

)

select * from final
