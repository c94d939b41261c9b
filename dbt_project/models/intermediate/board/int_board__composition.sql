{#
    Board composition per trust register (org_code, as_at_date), from the counts of
    int_board__register_counts. No per-member attribute reaches this model.
    Disclosure (docs/board_disclosure.md): no official publication releases a trust's register by gender or
    ethnicity each quarter, so a share is published only where the group it counts and the group's
    complement each hold at least var('board_min_group') (5) members (macro discloses): 0% and 100% are
    withheld. Two shares of one row whose populations nest (all members and voting members) reveal their
    difference (the non-voting members), so the wider one is withheld unless that difference is empty or
    itself discloses:
      women_pct is withheld when the non-voting members' gender split does not disclose (women_pct_voting,
      which carries parity, is kept);
      bme_pct_executive and bme_pct_non_executive (which together give every member) are published or
      withheld together, and withheld when the non-voting members' ethnicity split does not disclose.
    WRES indicator 9 per trust, as the trust's return gives it, is in fct_wres_indicators (its precedent:
    NHS England and each trust publish it). wres9_gap_pp and is_gender_parity follow the share they are
    computed from.
#}

with

counts as (

    select * from {{ ref('int_board__register_counts') }}

),

ceo_changes as (

    select * from {{ ref('int_board__ceo_changes') }}

),

workforce as (

    select * from {{ ref('int_wres__workforce') }}

),

disclosure as (

    select
        counts.*,
        {{ discloses('women_voting', 'gender_known_voting') }} as publish_women_voting,
        {{ discloses('women', 'gender_known') }}
            and (
                not {{ discloses('women_voting', 'gender_known_voting') }}
                or gender_known = gender_known_voting
                or {{ discloses('women - women_voting', 'gender_known - gender_known_voting') }}
            ) as publish_women,
        {{ discloses('bme_voting', 'ethnicity_known_voting') }} as publish_bme_voting,
        {{ discloses('bme_executive', 'ethnicity_known_executive') }}
            and {{ discloses('bme_non_executive', 'ethnicity_known_non_executive') }}
            and (
                not {{ discloses('bme_voting', 'ethnicity_known_voting') }}
                or ethnicity_known_executive + ethnicity_known_non_executive = ethnicity_known_voting
                or {{ discloses(
                    'bme_executive + bme_non_executive - bme_voting',
                    'ethnicity_known_executive + ethnicity_known_non_executive - ethnicity_known_voting'
                ) }}
            ) as publish_bme_by_executive

    from counts

),

compositions as (

    select
        org_code,
        as_at_date,
        -- The WRES return whose 31 March snapshot is the latest on or before the register date.
        cast(extract(year from as_at_date) as {{ dbt.type_int() }})
        - case
            when extract(month from as_at_date) * 100 + extract(day from as_at_date) < 331
                then 1
            else 0
        end as wres_reporting_year,
        board_size,
        voting_members,
        executive_members,
        non_executive_members,
        vacant_posts,
        interim_posts,
        case when publish_women then {{ safe_divide('100 * women', 'gender_known') }} end as women_pct,
        case when publish_women_voting then {{ safe_divide('100 * women_voting', 'gender_known_voting') }} end
            as women_pct_voting,
        case when publish_women_voting then {{ is_gender_parity('women_voting', 'gender_known_voting') }} end
            as is_gender_parity,
        case when publish_bme_voting then {{ safe_divide('100 * bme_voting', 'ethnicity_known_voting') }} end
            as bme_pct_voting,
        case when publish_bme_by_executive then {{ safe_divide('100 * bme_executive', 'ethnicity_known_executive') }} end
            as bme_pct_executive,
        case when publish_bme_by_executive then {{ safe_divide('100 * bme_non_executive', 'ethnicity_known_non_executive') }} end
            as bme_pct_non_executive,
        (not publish_women and gender_known > 0) or (not publish_women_voting and gender_known_voting > 0)
            as is_gender_suppressed,
        (not publish_bme_voting and ethnicity_known_voting > 0)
            or (not publish_bme_by_executive and ethnicity_known_executive + ethnicity_known_non_executive > 0)
            as is_ethnicity_suppressed,
        {{ dbt.datediff('ceo_start_date', 'as_at_date', 'day') }} as ceo_tenure_days,
        {{ dbt.datediff('chair_start_date', 'as_at_date', 'day') }} as chair_tenure_days,
        {{ safe_divide('100 * executives_appointed_12m', 'executive_members') }} as exec_appointed_12m_pct

    from disclosure

),

final as (

    select
        compositions.org_code,
        compositions.as_at_date,
        compositions.board_size,
        compositions.voting_members,
        compositions.executive_members,
        compositions.non_executive_members,
        compositions.vacant_posts,
        compositions.interim_posts,
        compositions.women_pct,
        compositions.women_pct_voting,
        compositions.is_gender_parity,
        compositions.bme_pct_voting,
        compositions.bme_pct_executive,
        compositions.bme_pct_non_executive,
        compositions.is_gender_suppressed,
        compositions.is_ethnicity_suppressed,
        compositions.wres_reporting_year,
        workforce.workforce_bme_pct,
        compositions.bme_pct_voting - workforce.workforce_bme_pct as wres9_gap_pp,
        compositions.ceo_tenure_days,
        compositions.chair_tenure_days,
        ceo_changes.ceo_changes_3y,
        compositions.exec_appointed_12m_pct

    from compositions
    left join ceo_changes
        on ceo_changes.org_code = compositions.org_code
        and ceo_changes.as_at_date = compositions.as_at_date
    left join workforce
        on workforce.org_code = compositions.org_code
        and workforce.reporting_year = compositions.wres_reporting_year

)

select * from final
