{#
    Board composition per trust register (org_code, as_at_date). Gender and ethnicity of members are
    read here and only counted: no per-member attribute leaves this model.
#}

with

registers as (

    select * from {{ ref('stg_board__registers') }}

),

ceo_changes as (

    select * from {{ ref('int_board__ceo_changes') }}

),

workforce as (

    select * from {{ ref('int_wres__workforce') }}

),

post_counts as (

    select
        org_code,
        as_at_date,
        cast(count(*) as {{ dbt.type_int() }}) as posts,
        cast(sum(case when is_vacant then 1 else 0 end) as {{ dbt.type_int() }}) as vacant_posts,
        cast(sum(case when not is_vacant and is_interim then 1 else 0 end) as {{ dbt.type_int() }}) as interim_posts,
        min(case when role_category = 'chief_executive' and not is_vacant then start_date end) as ceo_start_date,
        min(case when role_category = 'chair' and not is_vacant then start_date end) as chair_start_date

    from registers
    group by org_code, as_at_date

),

members as (

    -- One row per person in post (a person holding two posts counts once).
    select
        org_code,
        as_at_date,
        member_id,
        max(case when is_voting then 1 else 0 end) = 1 as is_voting,
        max(case when is_executive then 1 else 0 end) = 1 as is_executive,
        max(gender) as gender,
        max(ethnic_group) as ethnic_group,
        max(case when is_executive then start_date end) as executive_start_date

    from registers
    where not is_vacant
    group by org_code, as_at_date, member_id

),

member_counts as (

    select
        org_code,
        as_at_date,
        cast(count(*) as {{ dbt.type_int() }}) as board_size,
        cast(sum(case when is_voting then 1 else 0 end) as {{ dbt.type_int() }}) as voting_members,
        cast(sum(case when is_executive then 1 else 0 end) as {{ dbt.type_int() }}) as executive_members,
        cast(sum(case when not is_executive then 1 else 0 end) as {{ dbt.type_int() }}) as non_executive_members,
        cast(sum(case when gender = 'female' then 1 else 0 end) as {{ dbt.type_int() }}) as women,
        cast(sum(case when gender in ('female', 'male', 'other') then 1 else 0 end) as {{ dbt.type_int() }}) as gender_known,
        cast(sum(case when is_voting and gender = 'female' then 1 else 0 end) as {{ dbt.type_int() }}) as women_voting,
        cast(sum(case when is_voting and gender in ('female', 'male', 'other') then 1 else 0 end) as {{ dbt.type_int() }}) as gender_known_voting,
        cast(sum(case when is_voting and ethnic_group = 'bme' then 1 else 0 end) as {{ dbt.type_int() }}) as bme_voting,
        cast(sum(case when is_voting and ethnic_group is not null then 1 else 0 end) as {{ dbt.type_int() }}) as ethnicity_known_voting,
        cast(sum(case when is_executive and ethnic_group = 'bme' then 1 else 0 end) as {{ dbt.type_int() }}) as bme_executive,
        cast(sum(case when is_executive and ethnic_group is not null then 1 else 0 end) as {{ dbt.type_int() }}) as ethnicity_known_executive,
        cast(sum(case when not is_executive and ethnic_group = 'bme' then 1 else 0 end) as {{ dbt.type_int() }}) as bme_non_executive,
        cast(sum(case when not is_executive and ethnic_group is not null then 1 else 0 end) as {{ dbt.type_int() }})
            as ethnicity_known_non_executive,
        cast(sum(
            case
                when is_executive
                    and executive_start_date > {{ dbt.dateadd('month', -12, 'as_at_date') }}
                    and executive_start_date <= as_at_date
                    then 1
                else 0
            end
        ) as {{ dbt.type_int() }}) as executives_appointed_12m

    from members
    group by org_code, as_at_date

),

compositions as (

    select
        post_counts.org_code,
        post_counts.as_at_date,
        -- The WRES return whose 31 March snapshot is the latest on or before the register date.
        cast(extract(year from post_counts.as_at_date) as {{ dbt.type_int() }})
        - case
            when extract(month from post_counts.as_at_date) * 100 + extract(day from post_counts.as_at_date) < 331
                then 1
            else 0
        end as wres_reporting_year,
        coalesce(member_counts.board_size, 0) as board_size,
        coalesce(member_counts.voting_members, 0) as voting_members,
        coalesce(member_counts.executive_members, 0) as executive_members,
        coalesce(member_counts.non_executive_members, 0) as non_executive_members,
        post_counts.vacant_posts,
        post_counts.interim_posts,
        {{ safe_divide('100 * member_counts.women', 'member_counts.gender_known') }} as women_pct,
        {{ safe_divide('100 * member_counts.women_voting', 'member_counts.gender_known_voting') }}
            as women_pct_voting,
        {{ safe_divide('100 * member_counts.bme_voting', 'member_counts.ethnicity_known_voting') }}
            as bme_pct_voting,
        {{ safe_divide('100 * member_counts.bme_executive', 'member_counts.ethnicity_known_executive') }}
            as bme_pct_executive,
        {{ safe_divide('100 * member_counts.bme_non_executive', 'member_counts.ethnicity_known_non_executive') }}
            as bme_pct_non_executive,
        {{ dbt.datediff('post_counts.ceo_start_date', 'post_counts.as_at_date', 'day') }} as ceo_tenure_days,
        {{ dbt.datediff('post_counts.chair_start_date', 'post_counts.as_at_date', 'day') }} as chair_tenure_days,
        {{ safe_divide('100 * member_counts.executives_appointed_12m', 'member_counts.executive_members') }}
            as exec_appointed_12m_pct

    from post_counts
    left join member_counts
        on member_counts.org_code = post_counts.org_code
        and member_counts.as_at_date = post_counts.as_at_date

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
        case
            when compositions.women_pct_voting is null then null
            else compositions.women_pct_voting >= 45 and compositions.women_pct_voting <= 55
        end as is_gender_parity,
        compositions.bme_pct_voting,
        compositions.bme_pct_executive,
        compositions.bme_pct_non_executive,
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
