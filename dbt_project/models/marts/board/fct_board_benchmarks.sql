{#
    England, regional and benchmarking-group board figures per as-at date, one row per geography, as-at
    date and measure, so a trust can be set against England, its region and its peers.
    Percentage measures are pooled over the geography's trust registers at that date (members summed, never
    an average of trust percentages), with a Wilson 95% interval; tenure, turnover and size measures take
    the median of the trusts' own values. Every measure also carries the spread of the trusts' published
    values (min, quartiles, median, max: macro value_distribution).
    No figure is built from fewer than var('benchmark_min_organisations') (3) trusts: below that the value
    and spread are null and is_suppressed is true.
    Disclosure (docs/board_disclosure.md): a pooled gender or ethnicity figure is published only when
      - the pooled group and its complement each hold at least var('board_min_group') (5) members;
      - the trusts whose own figure is withheld are none, or at least two whose pooled group and complement
        each disclose (subtracting the published trust figures recovers no withheld trust, nor a small group);
        a trust's ethnicity split that WRES indicator 9 publishes (its register agreeing with its return at
        31 March, as fct_wres_board_cross_check says) counts as published, since a reader can subtract it;
      - where two pooled figures of one geography nest (all members and voting members; executive plus
        non-executive members and voting members), the difference (the non-voting members) passes the same
        tests as a measure of its own (hidden_measures), or the wider figure is withheld;
      - every region (every benchmarking group) of that date passes, with the English trusts outside any
        region (any group) as one more: otherwise none is published at that level, so no withheld region
        or group is England minus the published ones.
    Geographies: national = England (ENG); region = NHS England region code; benchmark_group = the trust's
    staff survey benchmarking group (dim_organisation; a trust never surveyed is in no group).
#}

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

{#- Populations a reader can derive by subtracting two published figures: checked, never published. -#}
{%- set hidden_measures = [
    ('board_women_pct_non_voting', 'counts.women - counts.women_voting',
        'counts.gender_known - counts.gender_known_voting',
        'compositions.women_pct is not null and compositions.women_pct_voting is not null'),
    ('board_bme_pct_non_voting', 'counts.bme_executive + counts.bme_non_executive - counts.bme_voting',
        'counts.ethnicity_known_executive + counts.ethnicity_known_non_executive - counts.ethnicity_known_voting',
        'compositions.bme_pct_voting is not null and compositions.bme_pct_executive is not null'),
    ('board_bme_pct_all', 'counts.bme_executive + counts.bme_non_executive',
        'counts.ethnicity_known_executive + counts.ethnicity_known_non_executive',
        'compositions.bme_pct_executive is not null'),
] -%}
{#- A withheld trust's figure whose part is published by a smaller figure of the same trust (voting members
    within all members): a reader subtracts that part, so what stays hidden is the rest. -#}
{%- set published_parts = {
    'board_women_pct': ('compositions.women_pct_voting is not null', 'counts.women_voting',
                        'counts.gender_known_voting'),
    'board_bme_pct_all': ('compositions.bme_pct_voting is not null', 'counts.bme_voting',
                          'counts.ethnicity_known_voting'),
} -%}
{#- Ethnicity measures a reader knows per trust at 31 March from WRES indicator 9 when the register agrees with
    the return (fct_wres_board_cross_check publishes whether it does): the board groups each one needs. -#}
{#- ...and the other way: a withheld trust figure inside a larger published one of the same trust (voting
    members within all members); when every withheld trust has the larger figure published, a reader who
    recovers the withheld ones together also has the rest of those trusts' members. -#}
{%- set published_wholes = {
    'board_women_pct_voting': ('compositions.women_pct is not null', 'counts.women', 'counts.gender_known'),
    'board_bme_pct_voting': ('compositions.bme_pct_executive is not null',
                             'counts.bme_executive + counts.bme_non_executive',
                             'counts.ethnicity_known_executive + counts.ethnicity_known_non_executive'),
} -%}
{%- set wres9_groups = {
    'board_bme_pct_voting': ['voting'],
    'board_bme_pct_executive': ['executive'],
    'board_bme_pct_non_executive': ['non_executive'],
    'board_bme_pct_non_voting': ['voting', 'executive', 'non_executive'],
    'board_bme_pct_all': ['executive', 'non_executive'],
} -%}
{%- set min_orgs = var('benchmark_min_organisations') -%}

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

cross_check as (

    select * from {{ ref('int_wres__board_cross_check') }}

),

wres_known as (

    -- Per trust register as at 31 March: the board groups whose ethnicity split WRES indicator 9 publishes.
    select
        org_code,
        cast({{ dbt.concat(["cast(reporting_year as " ~ dbt.type_string() ~ ")", "'-03-31'"]) }} as date) as as_at_date,
        max(case when board_group = 'voting' then 1 else 0 end) as knows_voting,
        max(case when board_group = 'executive' then 1 else 0 end) as knows_executive,
        max(case when board_group = 'non_executive' then 1 else 0 end) as knows_non_executive

    from cross_check
    where is_consistent_with_register
    group by org_code, reporting_year

),

trust_geographies as (

    -- geography_code '(none)': English trusts outside every region / group, checked but never published.
    select org_code, 'national' as geography_level, 'ENG' as geography_code, 'England' as geography_name
    from organisations
    where nation = 'England'

    union all

    select
        org_code,
        'region' as geography_level,
        coalesce(region_code, '(none)') as geography_code,
        region_name as geography_name

    from organisations
    where region_code is not null or nation = 'England'

    union all

    select
        org_code,
        'benchmark_group' as geography_level,
        coalesce(benchmarking_group_code, '(none)') as geography_code,
        benchmarking_group as geography_name

    from organisations
    where benchmarking_group_code is not null or nation = 'England'

),

trust_values as (

    -- One row per trust register and measure: the counts behind it and the trust's published value.
    {%- for code, method, protected, numerator, denominator, value in measures %}
    {% if not loop.first %}union all{% endif %}
    select
        counts.org_code,
        counts.as_at_date,
        '{{ code }}' as measure_code,
        '{{ method }}' as value_method,
        cast({{ numerator }} as {{ type_double() }}) as numerator,
        cast({{ denominator }} as {{ type_double() }}) as denominator,
        cast({{ value }} as {{ type_double() }}) as trust_value,
        {{ 'true' if protected else 'false' }} as is_protected,
        {{ published_part_columns(published_parts.get(code)) }},
        {{ published_part_columns(published_wholes.get(code), 'whole') }}

    from counts
    inner join compositions
        on compositions.org_code = counts.org_code
        and compositions.as_at_date = counts.as_at_date
    {%- endfor %}
    {%- for code, numerator, denominator, published in hidden_measures %}
    union all
    select
        counts.org_code,
        counts.as_at_date,
        '{{ code }}' as measure_code,
        'pooled' as value_method,
        cast({{ numerator }} as {{ type_double() }}) as numerator,
        cast({{ denominator }} as {{ type_double() }}) as denominator,
        case when {{ published }} then cast(0 as {{ type_double() }}) end as trust_value,
        true as is_protected,
        {{ published_part_columns(published_parts.get(code)) }},
        {{ published_part_columns(published_wholes.get(code), 'whole') }}

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
                and not (
                    case trust_values.measure_code
                    {%- for code, groups in wres9_groups.items() %}
                        when '{{ code }}' then
                            {%- for group in groups %} coalesce(wres_known.knows_{{ group }}, 0) = 1
                            {%- if not loop.last %} and{% endif %}{% endfor %}
                    {%- endfor %}
                        else false
                    end
                )
                then 1
            else 0
        end as is_withheld

    from trust_values
    inner join trust_geographies
        on trust_geographies.org_code = trust_values.org_code
    left join wres_known
        on wres_known.org_code = trust_values.org_code
        and wres_known.as_at_date = trust_values.as_at_date

),

pooled as (

    select
        geography_level,
        geography_code,
        max(geography_name) as geography_name,
        as_at_date,
        measure_code,
        max(value_method) as value_method,
        max(case when is_protected then 1 else 0 end) = 1 as is_protected,
        cast(count(*) as {{ dbt.type_int() }}) as trusts_count,
        cast(count(trust_value) as {{ dbt.type_int() }}) as trusts_with_value,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(case when denominator > 0 then 1 else 0 end) as trusts_with_members,
        sum(is_withheld) as trusts_withheld,
        sum(case when is_withheld = 1 then numerator - part_numerator else 0 end) as withheld_numerator,
        sum(case when is_withheld = 1 then denominator - part_denominator else 0 end) as withheld_denominator,
        sum(case when is_withheld = 1 and not whole_published then 1 else 0 end) as withheld_without_whole,
        sum(case when is_withheld = 1 then whole_numerator - numerator else 0 end) as withheld_rest_numerator,
        sum(case when is_withheld = 1 then whole_denominator - denominator else 0 end) as withheld_rest_denominator

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

counted as (

    -- Enough organisations behind the figure, and (protected) the pooled group and the withheld part disclose.
    select
        pooled.*,
        case
            when value_method = 'median' then trusts_with_value >= {{ min_orgs }} or trusts_with_value = 0
            else trusts_with_members >= {{ min_orgs }} or coalesce(denominator, 0) = 0
        end as has_enough_organisations,
        not is_protected
            or coalesce(denominator, 0) = 0
            or (
                {{ discloses('numerator', 'denominator') }}
                and (
                    trusts_withheld = 0
                    or (trusts_withheld >= 2 and {{ discloses('withheld_numerator', 'withheld_denominator') }})
                )
                and (
                    trusts_withheld = 0
                    or withheld_without_whole > 0
                    or withheld_rest_denominator = 0
                    or {{ discloses('withheld_rest_numerator', 'withheld_rest_denominator') }}
                )
            ) as discloses_alone

    from pooled

),

nesting as (

    -- Per geography and date: which of the figures that nest may be published on their own.
    select
        geography_level,
        geography_code,
        as_at_date,
        max(case when measure_code = 'board_women_pct_voting' and discloses_alone and has_enough_organisations
            then 1 else 0 end) as women_voting_out,
        max(case when measure_code = 'board_women_pct_non_voting' and discloses_alone and has_enough_organisations
            then 1 else 0 end) as women_non_voting_ok,
        max(case when measure_code = 'board_bme_pct_voting' and discloses_alone and has_enough_organisations
            then 1 else 0 end) as bme_voting_out,
        max(case when measure_code = 'board_bme_pct_executive' and discloses_alone and has_enough_organisations
            then 1 else 0 end) as bme_executive_out,
        max(case when measure_code = 'board_bme_pct_non_voting' and discloses_alone and has_enough_organisations
            then 1 else 0 end) as bme_non_voting_ok,
        max(case when measure_code = 'board_bme_pct_all' and discloses_alone and has_enough_organisations
            then 1 else 0 end) as bme_all_ok

    from counted
    group by geography_level, geography_code, as_at_date

),

row_checked as (

    select
        counted.*,
        counted.has_enough_organisations
            and counted.discloses_alone
            and case counted.measure_code
                when 'board_women_pct' then nesting.women_voting_out = 0 or nesting.women_non_voting_ok = 1
                -- executive and non-executive together give every member: that and the non-voting members
                when 'board_bme_pct_non_executive'
                    then nesting.bme_executive_out = 0
                        or (nesting.bme_all_ok = 1 and (nesting.bme_voting_out = 0 or nesting.bme_non_voting_ok = 1))
                else true
            end as may_publish_alone

    from counted
    inner join nesting
        on nesting.geography_level = counted.geography_level
        and nesting.geography_code = counted.geography_code
        and nesting.as_at_date = counted.as_at_date

),

disclosed as (

    select
        row_checked.*,
        row_checked.may_publish_alone
            and (
                not row_checked.is_protected
                or row_checked.geography_level = 'national'
                or min(case
                    when row_checked.geography_code = '(none)'
                        -- trusts outside every region / group: only their withheld part must not show
                        then case when row_checked.trusts_withheld = 0 or (row_checked.trusts_withheld >= 2
                            and {{ discloses('row_checked.withheld_numerator', 'row_checked.withheld_denominator') }})
                            then 1 else 0 end
                    when row_checked.may_publish_alone or coalesce(row_checked.denominator, 0) = 0 then 1
                    else 0
                end) over (
                    partition by row_checked.geography_level, row_checked.as_at_date, row_checked.measure_code
                ) = 1
            ) as may_publish

    from row_checked

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
        case when disclosed.has_enough_organisations then spread.min_value end as min_value,
        case when disclosed.has_enough_organisations then spread.p25_value end as p25_value,
        case when disclosed.has_enough_organisations then spread.median_value end as median_value,
        case when disclosed.has_enough_organisations then spread.p75_value end as p75_value,
        case when disclosed.has_enough_organisations then spread.max_value end as max_value

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
    where disclosed.geography_code <> '(none)'

)

select * from final
