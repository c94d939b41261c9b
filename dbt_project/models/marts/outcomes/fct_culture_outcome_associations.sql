{#
    How culture and outcomes move together across trusts: for each period (year), comparator (England's NHS
    trusts, or the trusts of one staff survey benchmarking group), culture indicator (People Promise element,
    staff survey theme, WRES indicator 2-9) and outcome indicator (sickness absence, CQC ratings, Friends and
    Family Test), the Spearman rank correlation of the trusts' values, with its 95% interval and n.

      ranks        average ranks within the pairs (ties share the mean of their positions)
      correlation  Pearson correlation of the two rank columns (= Spearman's rho with ties handled)
      interval     Fisher z = atanh(rho), standard error sqrt((1 + rho^2 / 2) / (n - 3)) (Bonett and Wright
                   2000, for Spearman's rho), z +/- 1.959964 se, back-transformed with tanh
      n            trusts with both values in the period (at least var('outcome_association_min_n', 5))

    Pairs: the same organisation code and period in int_well_led__indicator_values (merger history included).
    An association, not a cause: trusts differ in many ways at once, and a year's figures cannot say which came
    first. No interval is given where rho is -1 or 1 (too few distinct values).
#}

{%- set min_n = var('outcome_association_min_n', 5) %}
{%- set culture_codes = ['nss_pp1', 'nss_pp2', 'nss_pp3', 'nss_pp4', 'nss_pp5', 'nss_pp6', 'nss_pp7',
                         'nss_engagement', 'nss_morale', 'wres_2', 'wres_3', 'wres_4', 'wres_5', 'wres_6', 'wres_7',
                         'wres_8', 'wres_9_voting', 'wres_9_executive', 'wres_9_non_executive'] %}
{%- set outcome_codes = ['sickness_absence_rate_12m', 'sickness_absence_rate_month', 'cqc_overall', 'cqc_safe',
                         'cqc_effective', 'cqc_caring', 'cqc_responsive', 'cqc_well_led',
                         'fft_inpatient_pct_positive_12m', 'fft_ae_pct_positive_12m'] %}
{%- set pair_key = 'comparator_level, comparator_code, period, culture_indicator_code, outcome_indicator_code' %}

with

indicator_values as (

    select * from {{ ref('int_well_led__indicator_values') }}

),

geographies as (

    select * from {{ ref('int_organisations__trust_geographies') }}

),

indicators as (

    select * from {{ ref('dim_indicator') }}

),

culture as (

    select org_code, period, indicator_code, value
    from indicator_values
    where value is not null
      and indicator_code in ('{{ culture_codes | join("', '") }}')

),

outcomes as (

    select org_code, period, indicator_code, value
    from indicator_values
    where value is not null
      and indicator_code in ('{{ outcome_codes | join("', '") }}')

),

comparators as (

    select
        org_code,
        geography_level as comparator_level,
        geography_code as comparator_code,
        geography_name as comparator_name

    from geographies
    where geography_level in ('national', 'benchmark_group')

),

pairs as (

    select
        comparators.comparator_level,
        comparators.comparator_code,
        comparators.comparator_name,
        culture.period,
        culture.indicator_code as culture_indicator_code,
        outcomes.indicator_code as outcome_indicator_code,
        culture.org_code,
        culture.value as culture_value,
        outcomes.value as outcome_value

    from culture
    inner join outcomes
        on outcomes.org_code = culture.org_code
        and outcomes.period = culture.period
    inner join comparators
        on comparators.org_code = culture.org_code

),

ranked as (

    select
        pairs.*,
        cast(rank() over (partition by {{ pair_key }} order by culture_value) as {{ type_double() }})
            + cast(count(*) over (partition by {{ pair_key }}, culture_value) - 1 as {{ type_double() }}) / 2
            as culture_rank,
        cast(rank() over (partition by {{ pair_key }} order by outcome_value) as {{ type_double() }})
            + cast(count(*) over (partition by {{ pair_key }}, outcome_value) - 1 as {{ type_double() }}) / 2
            as outcome_rank

    from pairs

),

correlated as (

    select
        comparator_level,
        comparator_code,
        max(comparator_name) as comparator_name,
        period,
        culture_indicator_code,
        outcome_indicator_code,
        count(*) as n,
        -- Rounded to 12 decimals (as a decimal, so both engines round alike): engines differ in the last bits of
        -- corr, and a perfect -1 or 1 must be one on every engine (it has no interval).
        case
            when var_pop(culture_rank) > 0 and var_pop(outcome_rank) > 0
                then cast(round(cast(corr(culture_rank, outcome_rank) as decimal(38, 18)), 12) as {{ type_double() }})
        end as correlation

    from ranked
    group by {{ pair_key }}
    having count(*) >= {{ min_n }}

),

fisher as (

    select
        correlated.*,
        case
            when correlation > -1 and correlation < 1 and n > 3
                then 0.5 * ln((1 + correlation) / (1 - correlation))
        end as fisher_z,
        case
            when correlation is not null and n > 3
                then sqrt((1 + correlation * correlation / 2) / (n - 3))
        end as fisher_se

    from correlated

),

bounds as (

    select
        fisher.*,
        fisher_z - 1.959963985 * fisher_se as z_lower,
        fisher_z + 1.959963985 * fisher_se as z_upper

    from fisher

),

final as (

    select
        bounds.period,
        bounds.comparator_level,
        bounds.comparator_code,
        bounds.comparator_name,
        bounds.culture_indicator_code,
        culture_indicators.indicator_name as culture_indicator_name,
        culture_indicators.direction_of_good as culture_direction_of_good,
        bounds.outcome_indicator_code,
        outcome_indicators.indicator_name as outcome_indicator_name,
        outcome_indicators.direction_of_good as outcome_direction_of_good,
        bounds.n,
        bounds.correlation,
        (exp(2 * bounds.z_lower) - 1) / (exp(2 * bounds.z_lower) + 1) as ci_lower,
        (exp(2 * bounds.z_upper) - 1) / (exp(2 * bounds.z_upper) + 1) as ci_upper,
        case
            when bounds.z_lower is null then null
            else bounds.z_lower > 0 or bounds.z_upper < 0
        end as is_interval_excluding_zero

    from bounds
    left join indicators as culture_indicators
        on culture_indicators.indicator_code = bounds.culture_indicator_code
    left join indicators as outcome_indicators
        on outcome_indicators.indicator_code = bounds.outcome_indicator_code

)

select * from final
