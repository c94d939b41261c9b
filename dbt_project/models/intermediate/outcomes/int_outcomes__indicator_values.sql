{#
    The outcome indicators' yearly values for the well-led scorecard, in the columns of
    int_well_led__indicator_values (plus numerator and denominator), keyed (org_code, period, indicator_code).
    The period is a calendar year:

      sickness_absence_rate_12m    rate over the 12 months ending with the year's reference month (the latest
                                   month of the year any organisation has landed, the same for every
                                   organisation); base_n = FTE days available in those months (the funnel's n)
      sickness_absence_rate_month  the reference month's own rate; base_n = its FTE days available
      cqc_<domain>                 the rating's ordinal (1 Inadequate .. 4 Outstanding) in the year's latest
                                   release; source_as_at_date = the date CQC published the rating, so a rating
                                   older than the period shows it
      fft_<setting>_pct_positive_12m  % positive over the 12 months ending with the setting's reference month,
                                   base_n = answers, Wilson interval; for trends within a trust only

    A 12-month value needs the whole window landed; an organisation without it has a row with a null value.
#}

with

sickness_absence as (

    select * from {{ ref('int_outcomes__sickness_absence') }}

),

cqc_ratings as (

    select * from {{ ref('int_outcomes__cqc_ratings') }}

),

fft as (

    select * from {{ ref('int_outcomes__fft') }}

),

sickness_reference_months as (

    select
        cast(extract(year from month) as {{ dbt.type_int() }}) as period,
        max(month) as reference_month

    from sickness_absence
    group by extract(year from month)

),

sickness_at_reference as (

    select
        sickness_absence.*,
        sickness_reference_months.period

    from sickness_absence
    inner join sickness_reference_months
        on sickness_reference_months.reference_month = sickness_absence.month

),

cqc_latest_releases as (

    select period, max(release_date) as release_date
    from cqc_ratings
    group by period

),

fft_reference_months as (

    select
        setting,
        cast(extract(year from month) as {{ dbt.type_int() }}) as period,
        max(month) as reference_month

    from fft
    group by setting, extract(year from month)

),

fft_at_reference as (

    select
        fft.*,
        fft_reference_months.period

    from fft
    inner join fft_reference_months
        on fft_reference_months.setting = fft.setting
        and fft_reference_months.reference_month = fft.month

),

final as (

    select
        org_code,
        period,
        'sickness_absence_rate_12m' as indicator_code,
        'fct_sickness_absence' as source_table,
        month as source_as_at_date,
        rate_12m_pct as value,
        cast(round(cast(fte_days_available_12m as decimal(38, 6))) as {{ dbt.type_bigint() }}) as base_n,
        fte_days_lost_12m as numerator,
        fte_days_available_12m as denominator,
        cast(null as {{ type_double() }}) as ci_lower,
        cast(null as {{ type_double() }}) as ci_upper,
        rate_12m_pct is null and months_reported_12m = 0 as is_suppressed,
        cast(null as {{ dbt.type_boolean() }}) as is_comparable_with_prior

    from sickness_at_reference

    union all

    select
        org_code,
        period,
        'sickness_absence_rate_month' as indicator_code,
        'fct_sickness_absence' as source_table,
        month as source_as_at_date,
        rate_pct as value,
        cast(round(cast(fte_days_available as decimal(38, 6))) as {{ dbt.type_bigint() }}) as base_n,
        fte_days_lost as numerator,
        fte_days_available as denominator,
        cast(null as {{ type_double() }}) as ci_lower,
        cast(null as {{ type_double() }}) as ci_upper,
        is_suppressed,
        cast(null as {{ dbt.type_boolean() }}) as is_comparable_with_prior

    from sickness_at_reference

    union all

    select
        cqc_ratings.org_code,
        cqc_ratings.period,
        {{ dbt.concat(["'cqc_'", 'cqc_ratings.domain']) }} as indicator_code,
        'fct_cqc_ratings' as source_table,
        cqc_ratings.rating_publication_date as source_as_at_date,
        cast(cqc_ratings.rating_ordinal as {{ type_double() }}) as value,
        cast(null as {{ dbt.type_bigint() }}) as base_n,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ type_double() }}) as denominator,
        cast(null as {{ type_double() }}) as ci_lower,
        cast(null as {{ type_double() }}) as ci_upper,
        false as is_suppressed,
        cast(null as {{ dbt.type_boolean() }}) as is_comparable_with_prior

    from cqc_ratings
    inner join cqc_latest_releases
        on cqc_latest_releases.release_date = cqc_ratings.release_date

    union all

    select
        org_code,
        period,
        {{ dbt.concat(["'fft_'", 'setting', "'_pct_positive_12m'"]) }} as indicator_code,
        'fct_fft' as source_table,
        month as source_as_at_date,
        pct_positive_12m as value,
        answered_responses_12m as base_n,
        cast(positive_responses_12m as {{ type_double() }}) as numerator,
        cast(answered_responses_12m as {{ type_double() }}) as denominator,
        ci_lower_12m as ci_lower,
        ci_upper_12m as ci_upper,
        pct_positive_12m is null and months_reported_12m = 0 as is_suppressed,
        cast(null as {{ dbt.type_boolean() }}) as is_comparable_with_prior

    from fft_at_reference

)

select * from final
