{#
    Every organisation code any source uses (the outcome sources too), with the legal (ODS) trust it belongs to.
    A survey reporting unit with a code of 4+ characters whose first 3 characters are an ODS trust code,
    and which is not itself in ODS, is a split unit of that trust (R1F1, R1F2 -> R1F).
#}

with

ods_trusts as (

    select org_code from {{ ref('stg_ods__trusts') }}

),

survey_organisations as (

    select org_code from {{ ref('stg_staff_survey__organisations') }}

),

survey_scores as (

    select org_code from {{ ref('stg_staff_survey__scores') }}

),

survey_wres_rates as (

    select org_code from {{ ref('stg_staff_survey__wres_rates') }}

),

wres_returns as (

    select org_code from {{ ref('stg_wres__returns') }}

),

board_registers as (

    select org_code from {{ ref('stg_board__registers') }}

),

outcome_sources as (

    select org_code from {{ ref('int_outcomes__organisation_codes') }}

),

all_codes as (

    select org_code, 1 as from_ods, 0 as from_survey, 0 as from_wres, 0 as from_board from ods_trusts
    union all
    select org_code, 0, 1, 0, 0 from survey_organisations
    union all
    select org_code, 0, 1, 0, 0 from survey_scores
    union all
    select org_code, 0, 1, 0, 0 from survey_wres_rates
    union all
    select org_code, 0, 0, 1, 0 from wres_returns
    union all
    select org_code, 0, 0, 0, 1 from board_registers
    union all
    select org_code, 0, 0, 0, 0 from outcome_sources

),

codes as (

    select
        org_code,
        max(from_ods) = 1 as in_ods,
        max(from_survey) = 1 as in_staff_survey,
        max(from_wres) = 1 as in_wres,
        max(from_board) = 1 as in_board

    from all_codes
    where org_code is not null
    group by org_code

),

final as (

    select
        codes.org_code,
        coalesce(parent_trust.org_code, codes.org_code) as legal_org_code,
        parent_trust.org_code is not null as is_split_unit,
        codes.in_ods,
        codes.in_staff_survey,
        codes.in_wres,
        codes.in_board

    from codes
    left join ods_trusts as parent_trust
        on not codes.in_ods
        and {{ dbt.length('codes.org_code') }} >= 4
        and parent_trust.org_code = substring(codes.org_code, 1, 3)

)

select * from final
