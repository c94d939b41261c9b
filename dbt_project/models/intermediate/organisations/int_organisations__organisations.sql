with

organisation_codes as (

    select * from {{ ref('int_organisations__legal_codes') }}

),

ods_trusts as (

    select * from {{ ref('stg_ods__trusts') }}

),

survey_organisation_years as (

    select * from {{ ref('int_staff_survey__organisation_years') }}

),

nhs_regions as (

    select * from {{ ref('nhs_regions') }}

),

outcome_organisations as (

    select * from {{ ref('int_outcomes__organisation_codes') }}

),

survey_years_ranked as (

    select
        survey_organisation_years.*,
        row_number() over (
            partition by org_code
            order by survey_year desc
        ) as recency_rank,
        min(survey_year) over (partition by org_code) as first_survey_year,
        max(survey_year) over (partition by org_code) as latest_survey_year

    from survey_organisation_years

),

survey_latest as (

    select * from survey_years_ranked
    where recency_rank = 1

),

organisations as (

    select
        organisation_codes.org_code,
        organisation_codes.legal_org_code,
        organisation_codes.is_split_unit,
        organisation_codes.in_ods,
        ods_trusts.org_name as ods_org_name,
        ods_trusts.region_code as ods_region_code,
        ods_trusts.icb_code as ods_icb_code,
        ods_trusts.gor_code,
        ods_trusts.open_date,
        ods_trusts.close_date,
        survey_latest.org_name as survey_org_name,
        survey_latest.benchmarking_group_code,
        survey_latest.benchmarking_group,
        survey_latest.benchmarking_group_org_kind,
        survey_latest.region_code as survey_region_code,
        survey_latest.ics_name,
        survey_latest.first_survey_year,
        survey_latest.latest_survey_year

    from organisation_codes
    left join ods_trusts
        on ods_trusts.org_code = organisation_codes.org_code
    left join survey_latest
        on survey_latest.org_code = organisation_codes.org_code

),

with_legal_trust as (

    select
        organisations.*,
        -- ODS first; a unit outside ODS takes the survey's region, and a split unit its legal trust's.
        coalesce(organisations.ods_region_code, organisations.survey_region_code, legal_trust.region_code)
            as region_code,
        coalesce(organisations.ods_icb_code, legal_trust.icb_code) as icb_code,
        coalesce(organisations.gor_code, legal_trust.gor_code) as resolved_gor_code

    from organisations
    left join ods_trusts as legal_trust
        on legal_trust.org_code = organisations.legal_org_code
        and organisations.is_split_unit

),

final as (

    select
        with_legal_trust.org_code,
        coalesce(with_legal_trust.ods_org_name, with_legal_trust.survey_org_name,
                 outcome_organisations.outcome_org_name) as org_name,
        with_legal_trust.survey_org_name,
        case
            when with_legal_trust.in_ods then 'trust'
            when with_legal_trust.is_split_unit then 'split_unit'
            when with_legal_trust.benchmarking_group_org_kind is not null
                then with_legal_trust.benchmarking_group_org_kind
            else 'other'
        end as org_kind,
        with_legal_trust.legal_org_code,
        with_legal_trust.in_ods,
        case
            when not with_legal_trust.in_ods then null
            when with_legal_trust.close_date is null then true
            else with_legal_trust.close_date > cast({{ dbt.current_timestamp() }} as date)
        end as is_open,
        -- The NHS Staff Survey covers England only, so units outside ODS are English.
        case when with_legal_trust.resolved_gor_code = 'W' then 'Wales' else 'England' end as nation,
        with_legal_trust.region_code,
        nhs_regions.region_name,
        with_legal_trust.icb_code,
        with_legal_trust.ics_name,
        with_legal_trust.benchmarking_group_code,
        with_legal_trust.benchmarking_group,
        with_legal_trust.open_date,
        with_legal_trust.close_date,
        with_legal_trust.first_survey_year,
        with_legal_trust.latest_survey_year

    from with_legal_trust
    left join nhs_regions
        on nhs_regions.region_code = with_legal_trust.region_code
    left join outcome_organisations
        on outcome_organisations.org_code = with_legal_trust.org_code

)

select * from final
