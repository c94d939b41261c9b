{#
    The well-led scorecard: every published indicator value per organisation, period and indicator, set
    against a comparator and judged by the method dim_indicator names (assessment_method). A verdict (better,
    worse) comes only from a statistical test or from a target every organisation can meet; a position is
    published as a position, never as a verdict.

      funnel_proportion  proportions with a base (question % positive): Spiegelhalter funnel plot around the
                         comparator's pooled proportion p0. Overdispersion (var well_led_overdispersion):
                         'additive' (default, Spiegelhalter 2005): z-scores winsorised at the comparator's 10th
                         and 90th percentiles give phi = mean(z^2); the DerSimonian-Laird between-organisation
                         variance tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w), w = n / (p0 (1 - p0)),
                         0 when I phi <= I - 1; limits p0 +/- z sqrt(p0 (1 - p0) / n + tau^2).
                         'multiplicative': limits p0 +/- z sqrt(max(1, phi) p0 (1 - p0) / n).
                         Outside the 99.8% limits (z 3.090232) = better / worse; the 95% limits are a warning.
      quartile           scores and counts without a spread: no verdict (position_only); the position is
                         quartile_position and comparator_position.
      target_band        WRES 2-4 against 0.80-1.25 and
      target_minimum     WRES 9 against 0 or above: macro band_judgement, on the value and its 95% interval
                         rounded to 2 decimals (as_expected, worse, outside_band_not_significant). A ratio
                         without a value but with counts (no events in the comparison group) is not_estimable.
      target_parity      WRES 5-8 BME minus White gaps: the 95% interval (rounded to 2 decimals) excludes 0 on
                         the favourable side = better, on the adverse side = worse, else as_expected.
      gender_parity      women on the voting board: parity (fct_board_composition.is_gender_parity, floor or
                         ceil of n/2 women) = as_expected; fewer women = worse; a majority of women = as_expected,
                         said in assessment_basis.
      target_rating      CQC ratings (ordinal 1-4) against Good or better (3): below = worse, else as_expected. A
                         rating is CQC's judgement of the trust, not an estimate: no interval, no chance flag.
      not_assessed       descriptive indicators: no flag.

    Comparator: the benchmarking group the organisation had in the period (its staff survey year of the
    period, else the nearest earlier one, else the nearest later one) when at least
    var('well_led_min_comparator', 5) organisations of that group have a value for the indicator and period;
    otherwise, for an NHS trust (or a survey unit of one), every trust with a value (England); else none.
    ICBs, CSUs, social enterprises and others are never pooled with trusts: their staff and boards differ.

    Trend against the prior comparable period, by dim_indicator.trend_method: improved / deteriorated only when
    the change is significant at 95% (newcombe_difference for proportions with a base; interval_difference for
    values with a published interval, macros in change_significance), else no_significant_change;
    direction_only where no test is possible (scores, counts: the change is shown, not judged).
#}

{%- set min_comparator = var('well_led_min_comparator', 5) %}
{%- set overdispersion_model = var('well_led_overdispersion', 'additive') %}
{%- if overdispersion_model not in ('additive', 'multiplicative') %}
    {{ exceptions.raise_compiler_error("var well_led_overdispersion must be 'additive' or 'multiplicative', got "
                                       ~ overdispersion_model) }}
{%- endif %}
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

organisation_years as (

    select * from {{ ref('int_staff_survey__organisation_years') }}

),

organisation_periods as (

    select distinct org_code, period from indicator_values

),

period_groups as (

    -- The benchmarking group the organisation had in the period: the survey year of the period, else the
    -- nearest earlier survey year, else the nearest later one (a unit new to the survey).
    select org_code, period, benchmarking_group_code
    from (
        select
            organisation_periods.org_code,
            organisation_periods.period,
            organisation_years.benchmarking_group_code,
            row_number() over (
                partition by organisation_periods.org_code, organisation_periods.period
                order by
                    case when organisation_years.survey_year <= organisation_periods.period then 0 else 1 end,
                    abs(organisation_periods.period - organisation_years.survey_year)
            ) as nearness

        from organisation_periods
        inner join organisation_years
            on organisation_years.org_code = organisation_periods.org_code
        where organisation_years.benchmarking_group_code is not null
    ) as ranked
    where nearness = 1

),

valued as (

    select
        indicator_values.*,
        period_groups.benchmarking_group_code,
        coalesce(organisations.org_kind in ('trust', 'split_unit'), false) as is_trust,
        indicators.unit,
        indicators.direction_of_good,
        indicators.assessment_method,
        indicators.trend_method,
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
    left join period_groups
        on period_groups.org_code = indicator_values.org_code
        and period_groups.period = indicator_values.period

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

scoped_ranks as (

    -- Organisations of the comparator with a strictly lower / higher value (ties are neither).
    select
        comparator_level,
        comparator_code,
        period,
        indicator_code,
        org_code,
        rank() over (
            partition by comparator_level, comparator_code, period, indicator_code order by value
        ) - 1 as orgs_below,
        rank() over (
            partition by comparator_level, comparator_code, period, indicator_code order by value desc
        ) - 1 as orgs_above

    from scoped

),

scope_stats as (

    select
        comparator_level,
        comparator_code,
        period,
        indicator_code,
        count(*) as comparator_org_count,
        {{ value_quartiles('value') }},
        -- Summed as decimals: exact, so the result does not depend on the order parallel threads add rows in
        -- (a floating-point sum does, and identical refreshes must publish identical limits and flags).
        cast({{ safe_divide(
            'sum(case when is_funnel_row then cast(value * base_n as decimal(38, 12)) end) / 100',
            'sum(case when is_funnel_row then base_n end)'
        ) }} as {{ type_double() }}) as pooled_proportion,
        sum(case when is_funnel_row then cast(base_n as {{ dbt.type_bigint() }}) end) as sum_n,
        sum(case when is_funnel_row then cast(base_n as {{ dbt.type_bigint() }}) * base_n end) as sum_n_squared

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
        count(*) as funnel_org_count,
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
        scope_stats.p25_value,
        scope_stats.median_value,
        scope_stats.p75_value,
        scope_stats.pooled_proportion,
        overdispersion.phi_estimate,
        greatest(1, coalesce(overdispersion.phi_estimate, 1)) as phi,
        -- DerSimonian-Laird on the winsorised phi. With w = n / (p0 (1 - p0)) the weights' sums are the bases'
        -- sums over p0 (1 - p0): integers, so the estimate is exact up to one division.
        case
            when overdispersion.phi_estimate is null then null
            when overdispersion.funnel_org_count * overdispersion.phi_estimate <= overdispersion.funnel_org_count - 1
                then cast(0 as {{ type_double() }})
            else (overdispersion.funnel_org_count * overdispersion.phi_estimate - (overdispersion.funnel_org_count - 1))
                * scope_stats.pooled_proportion * (1 - scope_stats.pooled_proportion)
                / (scope_stats.sum_n - cast(scope_stats.sum_n_squared as {{ type_double() }}) / scope_stats.sum_n)
        end as tau_squared

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
        comparators.p25_value,
        comparators.median_value,
        comparators.p75_value,
        scoped_ranks.orgs_below,
        scoped_ranks.orgs_above,
        case when with_comparator.is_funnel_row then 100 * comparators.pooled_proportion end as funnel_target,
        case when with_comparator.is_funnel_row then comparators.phi_estimate end as overdispersion_phi_estimate,
        case when with_comparator.is_funnel_row then comparators.phi end as overdispersion_phi,
        case when with_comparator.is_funnel_row then comparators.tau_squared end as overdispersion_tau2,
        case
            when with_comparator.is_funnel_row
                and comparators.pooled_proportion > 0 and comparators.pooled_proportion < 1
                {%- if overdispersion_model == 'additive' %}
                then sqrt(comparators.pooled_proportion * (1 - comparators.pooled_proportion) / with_comparator.base_n
                    + coalesce(comparators.tau_squared, 0))
                {%- else %}
                then sqrt(comparators.phi * comparators.pooled_proportion * (1 - comparators.pooled_proportion)
                    / with_comparator.base_n)
                {%- endif %}
        end as funnel_se

    from with_comparator
    left join comparators
        on comparators.comparator_level = with_comparator.comparator_level
        and comparators.comparator_code = with_comparator.comparator_code
        and comparators.period = with_comparator.period
        and comparators.indicator_code = with_comparator.indicator_code
    left join scoped_ranks
        on scoped_ranks.comparator_level = with_comparator.comparator_level
        and scoped_ranks.comparator_code = with_comparator.comparator_code
        and scoped_ranks.period = with_comparator.period
        and scoped_ranks.indicator_code = with_comparator.indicator_code
        and scoped_ranks.org_code = with_comparator.org_code

),

funnels as (

    select
        limits.*,
        greatest(0, funnel_target - 100 * {{ z95 }} * funnel_se) as funnel_lower_95,
        least(100, funnel_target + 100 * {{ z95 }} * funnel_se) as funnel_upper_95,
        greatest(0, funnel_target - 100 * {{ z998 }} * funnel_se) as funnel_lower_998,
        least(100, funnel_target + 100 * {{ z998 }} * funnel_se) as funnel_upper_998,
        {{ safe_divide('value - funnel_target', '100 * funnel_se') }} as funnel_z_score,
        -- Favourable / unfavourable organisations of the comparator, in the direction of good.
        case direction_of_good when 'higher' then orgs_below when 'lower' then orgs_above end as orgs_less_favourable,
        case direction_of_good when 'higher' then orgs_above when 'lower' then orgs_below end as orgs_more_favourable,
        value is null and assessment_method not in ('not_assessed', 'quartile') and unit = 'ratio'
            and (white_denominator is not null or bme_denominator is not null) as is_not_estimable

    from limits

),

assessed as (

    select
        funnels.*,
        case
            when is_not_estimable then 'not_estimable'
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
                else 'position_only'
            end
            when assessment_method in ('target_band', 'target_minimum')
                then {{ band_judgement('value', 'ci_lower', 'ci_upper', 'target_lower', 'target_upper') }}
            when assessment_method = 'target_parity' then case
                when ci_lower is null or ci_upper is null then 'not_assessed'
                when {{ band_value('ci_lower') }} > 0
                    then case when direction_of_good = 'lower' then 'worse' else 'better' end
                when {{ band_value('ci_upper') }} < 0
                    then case when direction_of_good = 'lower' then 'better' else 'worse' end
                else 'as_expected'
            end
            when assessment_method = 'target_rating' then case
                when value < target_lower then 'worse'
                else 'as_expected'
            end
            when assessment_method = 'gender_parity' then case
                when is_target_met is null then 'not_assessed'
                when is_target_met then 'as_expected'
                -- Not parity means at least one person away from floor(n/2): far from the target, so this
                -- comparison cannot be decided by rounding.
                when value < target_value then 'worse'
                else 'as_expected'
            end
            else 'not_assessed'
        end as assessment

    from funnels

),

explained as (

    select
        assessed.*,
        case
            when assessment = 'not_estimable' then {{ dbt.concat([
                "'ratio not estimable (no events, or no people, in a group): White '",
                "coalesce(cast(cast(white_numerator as " ~ dbt.type_bigint() ~ ") as " ~ dbt.type_string() ~ "), 'none')",
                "' of '",
                "coalesce(cast(cast(white_denominator as " ~ dbt.type_bigint() ~ ") as " ~ dbt.type_string() ~ "), 'none')",
                "', BME '",
                "coalesce(cast(cast(bme_numerator as " ~ dbt.type_bigint() ~ ") as " ~ dbt.type_string() ~ "), 'none')",
                "' of '",
                "coalesce(cast(cast(bme_denominator as " ~ dbt.type_bigint() ~ ") as " ~ dbt.type_string() ~ "), 'none')",
            ]) }}
            when value is null and is_suppressed then 'suppressed (fewer than 10 responses, or small numbers)'
            when value is null and is_merger_history
                then 'merged predecessors: a value without a base to weight by is not pooled'
            when value is null then 'no value for this period'
            when assessment_method = 'not_assessed' then 'descriptive indicator: not assessed'
            when assessment_method in ('funnel_proportion', 'quartile') and comparator_level is null
                then 'fewer than {{ min_comparator }} organisations to compare with'
            when assessment_method = 'funnel_proportion' and funnel_se is null
                then 'funnel undefined (comparator proportion 0 or 100%)'
            when assessment_method = 'funnel_proportion'
                then 'funnel plot, 99.8% limits, {{ overdispersion_model }} random-effects overdispersion'
            when assessment_method = 'quartile'
                then 'position among the comparator only: no spread is published, so no test and no verdict'
            when assessment = 'as_expected' and assessment_method in ('target_band', 'target_minimum')
                then 'inside the target band (value rounded to 2 decimals, as WRES publishes it)'
            when assessment = 'worse' and assessment_method in ('target_band', 'target_minimum')
                then 'outside the target band, with its whole 95% interval outside the band'
            when assessment = 'outside_band_not_significant'
                then 'outside the target band, but its 95% interval reaches the band: the data cannot tell'
            when assessment_method in ('target_band', 'target_minimum')
                then 'outside the target band, with no interval to judge it by'
            when assessment_method = 'target_parity' and (ci_lower is null or ci_upper is null)
                then 'no interval to test parity'
            when assessment_method = 'target_parity' then '95% interval of the gap against 0'
            when assessment_method = 'target_rating' and assessment = 'worse'
                then 'CQC rating below Good (the standard every trust can meet)'
            when assessment_method = 'target_rating' then 'CQC rating Good or Outstanding'
            when assessment_method = 'gender_parity' and is_target_met
                then 'parity: women are floor(n/2) or ceil(n/2) of the voting members of known gender'
            when assessment_method = 'gender_parity' and assessment = 'worse'
                then 'fewer women than parity (floor(n/2) of the voting members of known gender)'
            when assessment_method = 'gender_parity' and assessment = 'as_expected'
                then 'majority of women: not parity, and not counted against the board'
            when assessment_method = 'gender_parity' then 'no parity judgement for this register'
            else 'against the target'
        end as assessment_basis,
        case
            when comparator_level is null or orgs_less_favourable is null then null
            when 4 * orgs_less_favourable >= 3 * comparator_org_count then 'top_quarter'
            when 4 * orgs_more_favourable >= 3 * comparator_org_count then 'bottom_quarter'
            else 'middle'
        end as comparator_position

    from assessed

),

with_prior as (

    select
        explained.*,
        lag(period) over (partition by org_code, indicator_code order by period) as previous_period,
        lag(value) over (partition by org_code, indicator_code order by period) as previous_value,
        lag(base_n) over (partition by org_code, indicator_code order by period) as previous_base_n,
        lag(ci_lower) over (partition by org_code, indicator_code order by period) as previous_ci_lower,
        lag(ci_upper) over (partition by org_code, indicator_code order by period) as previous_ci_upper

    from explained

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

change_tested as (

    select
        trend.*,
        case
            when not has_comparable_prior or direction_of_good = 'none' then null
            when trend_method = 'newcombe_difference' then {{ proportion_change_is_significant(
                'previous_value / 100', 'previous_base_n', 'value / 100', 'base_n') }}
            when trend_method = 'interval_difference' and unit = 'ratio' then {{ interval_change_is_significant(
                'previous_value', 'previous_ci_lower', 'previous_ci_upper', 'value', 'ci_lower', 'ci_upper', true) }}
            when trend_method = 'interval_difference' then {{ interval_change_is_significant(
                'previous_value', 'previous_ci_lower', 'previous_ci_upper', 'value', 'ci_lower', 'ci_upper', false) }}
        end as is_change_significant,
        -- Which way the value moved in the direction of good: 1 towards good, -1 away, 0 neither.
        case
            when not has_comparable_prior then null
            when direction_of_good in ('higher', 'at_least_0', 'at_least_parity')
                then case when value > previous_value then 1 when value < previous_value then -1 else 0 end
            when direction_of_good = 'lower'
                then case when value < previous_value then 1 when value > previous_value then -1 else 0 end
            when direction_of_good = 'closer_to_50' then case
                when abs(value - 50) < abs(previous_value - 50) then 1
                when abs(value - 50) > abs(previous_value - 50) then -1
                else 0
            end
            -- Ratios: distance from 1 on the log scale, max(r, 1 / r); a ratio of 0 is the farthest.
            when direction_of_good = 'closer_to_1' then case
                when value = previous_value then 0
                when previous_value = 0 then 1
                when value = 0 then -1
                when greatest(value, 1 / value) < greatest(previous_value, 1 / previous_value) then 1
                when greatest(value, 1 / value) > greatest(previous_value, 1 / previous_value) then -1
                else 0
            end
        end as direction_of_change

    from trend

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
        value,
        unit,
        base_n,
        ci_lower,
        ci_upper,
        is_suppressed,
        white_numerator,
        white_denominator,
        bme_numerator,
        bme_denominator,
        direction_of_good,
        assessment_method,
        benchmarking_group_code,
        comparator_level,
        comparator_code,
        comparator_org_count,
        p25_value,
        median_value,
        p75_value,
        case
            when value is null or comparator_level is null then null
            when value < p25_value then 1
            when value <= median_value then 2
            when value <= p75_value then 3
            else 4
        end as quartile_position,
        case when comparator_level is not null then {{ safe_divide('100 * orgs_below', 'comparator_org_count') }}
        end as comparator_pct_below,
        case when comparator_level is not null then {{ safe_divide('100 * orgs_above', 'comparator_org_count') }}
        end as comparator_pct_above,
        comparator_position,
        funnel_target,
        case when is_funnel_row then '{{ overdispersion_model }}' end as overdispersion_model,
        overdispersion_phi_estimate,
        overdispersion_phi,
        overdispersion_tau2,
        funnel_lower_95,
        funnel_upper_95,
        funnel_lower_998,
        funnel_upper_998,
        funnel_z_score,
        assessment,
        assessment_basis,
        case when has_comparable_prior then previous_period end as prior_period,
        case when has_comparable_prior then previous_value end as prior_value,
        case when has_comparable_prior then value - previous_value end as change,
        case
            when not has_comparable_prior or direction_of_good = 'none' then null
            when is_change_significant is null then 'direction_only'
            when not is_change_significant then 'no_significant_change'
            when direction_of_change = 1 then 'improved'
            when direction_of_change = -1 then 'deteriorated'
            else 'no_significant_change'
        end as trend,
        is_change_significant

    from change_tested

)

select * from final
