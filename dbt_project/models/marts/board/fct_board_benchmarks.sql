{#
    England, regional and benchmarking-group board figures per as-at date, one row per geography, as-at
    date and measure, so a trust can be set against England, its region and its peers.
    Percentage measures are pooled over the geography's trust registers at that date (members summed, never
    an average of trust percentages), with a Wilson 95% interval; tenure, turnover and size measures take
    the median of the trusts' own values. Every measure also carries the spread of the trusts' published
    values (min, quartiles, median, max: macro value_distribution).
    Privacy: pooled gender / ethnicity figures use every member's attributes, so they are withheld (null,
    is_suppressed) unless they pool at least {{ var('board_min_group', 5) }} members of known gender /
    ethnicity from at least 3 trusts, and the trusts whose own figure fct_board_composition withholds are
    none, or at least two together holding that many members (so no withheld trust figure can be recovered
    by subtracting the published ones). The spread uses published trust values only.
    Geographies: national = England (ENG); region = NHS England region code; benchmark_group = the trust's
    staff survey benchmarking group (dim_organisation; a trust never surveyed is in no group).
#}

{%- set min_group = var('board_min_group', 5) -%}
{#- code, method, protected, numerator, denominator, published trust value. The measure's name, unit and
    direction of good come from the indicator catalogue (seed indicator_catalogue), as everywhere else. -#}
{%- set measures = [
    ('board_women_pct', 'pooled', true, 'counts.women', 'counts.gender_known', 'compositions.women_pct'),
    ('board_women_pct_voting', 'pooled', true,
        'counts.women_voting', 'counts.gender_known_voting', 'compositions.women_pct_voting'),
    ('board_bme_pct_voting', 'pooled', true,
        'counts.bme_voting', 'counts.ethnicity_known_voting', 'compositions.bme_pct_voting'),
    ('board_bme_pct_executive', 'pooled', true,
        'counts.bme_executive', 'counts.ethnicity_known_executive', 'compositions.bme_pct_executive'),
    ('board_bme_pct_non_executive', 'pooled', true,
        'counts.bme_non_executive', 'counts.ethnicity_known_non_executive', 'compositions.bme_pct_non_executive'),
    ('board_vacant_posts_pct', 'pooled', false,
        'counts.vacant_posts', 'counts.posts', safe_divide('100 * counts.vacant_posts', 'counts.posts')),
    ('board_interim_posts_pct', 'pooled', false,
        'counts.interim_posts', 'counts.posts - counts.vacant_posts',
        safe_divide('100 * counts.interim_posts', 'counts.posts - counts.vacant_posts')),
    ('board_exec_appointed_12m_pct', 'pooled', false,
        'counts.executives_appointed_12m', 'counts.executive_members', 'compositions.exec_appointed_12m_pct'),
    ('board_ceo_tenure_days', 'median', false, 'null', 'null', 'compositions.ceo_tenure_days'),
    ('board_chair_tenure_days', 'median', false, 'null', 'null', 'compositions.chair_tenure_days'),
    ('board_ceo_changes_3y', 'median', false, 'null', 'null', 'compositions.ceo_changes_3y'),
    ('board_board_size', 'median', false, 'null', 'null', 'compositions.board_size'),
] -%}

with

counts as (

    select * from {{ ref('int_board__register_counts') }}

),

compositions as (

    select * from {{ ref('fct_board_composition') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}

),

nhs_regions as (

    select * from {{ ref('nhs_regions') }}

),

trust_geographies as (

    select org_code, 'national' as geography_level, 'ENG' as geography_code, 'England' as geography_name
    from organisations
    where nation = 'England'

    union all

    select org_code, 'region' as geography_level, region_code as geography_code, region_name as geography_name
    from organisations
    where region_code is not null

    union all

    select
        org_code,
        'benchmark_group' as geography_level,
        benchmarking_group_code as geography_code,
        benchmarking_group as geography_name

    from organisations
    where benchmarking_group_code is not null

),

trust_values as (

    -- One row per trust register and measure: the counts behind it and the trust's published value.
    {%- for code, method, protected, numerator, denominator, value in measures %}
    {% if not loop.first %}union all{% endif %}
    select
        counts.org_code,
        counts.as_at_date,
        '{{ code }}' as measure_code,
        cast({{ numerator }} as {{ type_double() }}) as numerator,
        cast({{ denominator }} as {{ type_double() }}) as denominator,
        cast({{ value }} as {{ type_double() }}) as trust_value,
        {{ 'true' if protected else 'false' }} as is_protected

    from counts
    inner join compositions
        on compositions.org_code = counts.org_code
        and compositions.as_at_date = counts.as_at_date
    {%- endfor %}

),

placed as (

    select
        trust_geographies.geography_level,
        trust_geographies.geography_code,
        trust_geographies.geography_name,
        trust_values.*,
        case
            when trust_values.is_protected and trust_values.trust_value is null and trust_values.denominator > 0
                then 1
            else 0
        end as is_withheld

    from trust_values
    inner join trust_geographies
        on trust_geographies.org_code = trust_values.org_code

),

pooled as (

    select
        geography_level,
        geography_code,
        max(geography_name) as geography_name,
        as_at_date,
        measure_code,
        max(case when is_protected then 1 else 0 end) = 1 as is_protected,
        cast(count(*) as {{ dbt.type_int() }}) as trusts_count,
        cast(count(trust_value) as {{ dbt.type_int() }}) as trusts_with_value,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(case when denominator > 0 then 1 else 0 end) as trusts_with_members,
        sum(is_withheld) as trusts_withheld,
        sum(case when is_withheld = 1 then denominator else 0 end) as withheld_members

    from placed
    group by geography_level, geography_code, as_at_date, measure_code

),

spread as (

    select
        geography_level,
        geography_code,
        as_at_date,
        measure_code,
        {{ value_distribution('trust_value') }}

    from placed
    where trust_value is not null
    group by geography_level, geography_code, as_at_date, measure_code

),

measure_list as (

    {%- for code, method, protected, numerator, denominator, value in measures %}
    {% if not loop.first %}union all{% endif %}
    select
        '{{ code }}' as measure_code,
        '{{ method }}' as value_method
    {%- endfor %}

),

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

disclosed as (

    select
        pooled.*,
        not pooled.is_protected
            or coalesce(pooled.denominator, 0) = 0
            or (
                pooled.denominator >= {{ min_group }}
                and pooled.trusts_with_members >= 3
                and (
                    pooled.trusts_withheld = 0
                    or (pooled.trusts_withheld >= 2 and pooled.withheld_members >= {{ min_group }})
                )
            ) as may_publish

    from pooled

),

final as (

    select
        disclosed.geography_level,
        disclosed.geography_code,
        disclosed.geography_name,
        disclosed.as_at_date,
        disclosed.measure_code,
        catalogue.indicator_name as measure_name,
        catalogue.unit,
        measure_list.value_method,
        catalogue.direction_of_good,
        case
            when not disclosed.may_publish then null
            when measure_list.value_method = 'pooled'
                then {{ safe_divide('100 * disclosed.numerator', 'disclosed.denominator') }}
            else spread.median_value
        end as value,
        case
            when measure_list.value_method = 'pooled' and disclosed.may_publish
                -- least() with the estimate: at 0% or 100% rounding must not put the bound past it
                then least(
                    {{ safe_divide('100 * disclosed.numerator', 'disclosed.denominator') }},
                    100 * {{ wilson_interval(safe_divide('disclosed.numerator', 'disclosed.denominator'),
                                             'disclosed.denominator', 'lower') }}
                )
        end as ci_lower,
        case
            when measure_list.value_method = 'pooled' and disclosed.may_publish
                -- greatest() with the estimate: at 0% or 100% rounding must not put the bound past it
                then greatest(
                    {{ safe_divide('100 * disclosed.numerator', 'disclosed.denominator') }},
                    100 * {{ wilson_interval(safe_divide('disclosed.numerator', 'disclosed.denominator'),
                                             'disclosed.denominator', 'upper') }}
                )
        end as ci_upper,
        not disclosed.may_publish as is_suppressed,
        disclosed.trusts_count,
        disclosed.trusts_with_value,
        spread.min_value,
        spread.p25_value,
        spread.median_value,
        spread.p75_value,
        spread.max_value

    from disclosed
    inner join measure_list
        on measure_list.measure_code = disclosed.measure_code
    left join catalogue
        on catalogue.indicator_code = disclosed.measure_code
    left join spread
        on spread.geography_level = disclosed.geography_level
        and spread.geography_code = disclosed.geography_code
        and spread.as_at_date = disclosed.as_at_date
        and spread.measure_code = disclosed.measure_code

)

select * from final
