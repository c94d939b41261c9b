{#
    Board counts per trust register (org_code, as_at_date), before any small-number suppression: posts,
    vacancies, interims, members (a person holding two posts counts once), gender and ethnicity counts by
    group, and the spell start of the chief executive and chair. Not published: fct_board_composition
    suppresses small groups, fct_board_benchmarks pools these counts over many trusts.
    Tenure follows the person: the start of the holder's spell in the post (int_board__post_spells), so an
    interim made substantive in the same post keeps the interim start.
#}

with

registers as (

    select * from {{ ref('stg_board__registers') }}

),

post_spells as (

    select * from {{ ref('int_board__post_spells') }}

),

registers_with_spells as (

    select
        registers.*,
        post_spells.spell_start_date

    from registers
    left join post_spells
        on post_spells.org_code = registers.org_code
        and post_spells.post_id = registers.post_id
        and registers.as_at_date >= post_spells.first_as_at_date
        and registers.as_at_date <= post_spells.last_as_at_date

),

post_counts as (

    select
        org_code,
        as_at_date,
        cast(count(*) as {{ dbt.type_int() }}) as posts,
        cast(sum(case when is_vacant then 1 else 0 end) as {{ dbt.type_int() }}) as vacant_posts,
        cast(sum(case when not is_vacant and is_interim then 1 else 0 end) as {{ dbt.type_int() }}) as interim_posts,
        min(case when role_category = 'chief_executive' and not is_vacant then spell_start_date end) as ceo_start_date,
        min(case when role_category = 'chair' and not is_vacant then spell_start_date end) as chair_start_date

    from registers_with_spells
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
        max(case when is_executive then spell_start_date end) as executive_start_date

    from registers_with_spells
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

final as (

    select
        post_counts.org_code,
        post_counts.as_at_date,
        post_counts.posts,
        post_counts.vacant_posts,
        post_counts.interim_posts,
        post_counts.ceo_start_date,
        post_counts.chair_start_date,
        coalesce(member_counts.board_size, 0) as board_size,
        coalesce(member_counts.voting_members, 0) as voting_members,
        coalesce(member_counts.executive_members, 0) as executive_members,
        coalesce(member_counts.non_executive_members, 0) as non_executive_members,
        coalesce(member_counts.women, 0) as women,
        coalesce(member_counts.gender_known, 0) as gender_known,
        coalesce(member_counts.women_voting, 0) as women_voting,
        coalesce(member_counts.gender_known_voting, 0) as gender_known_voting,
        coalesce(member_counts.bme_voting, 0) as bme_voting,
        coalesce(member_counts.ethnicity_known_voting, 0) as ethnicity_known_voting,
        coalesce(member_counts.bme_executive, 0) as bme_executive,
        coalesce(member_counts.ethnicity_known_executive, 0) as ethnicity_known_executive,
        coalesce(member_counts.bme_non_executive, 0) as bme_non_executive,
        coalesce(member_counts.ethnicity_known_non_executive, 0) as ethnicity_known_non_executive,
        coalesce(member_counts.executives_appointed_12m, 0) as executives_appointed_12m

    from post_counts
    left join member_counts
        on member_counts.org_code = post_counts.org_code
        and member_counts.as_at_date = post_counts.as_at_date

)

select * from final
