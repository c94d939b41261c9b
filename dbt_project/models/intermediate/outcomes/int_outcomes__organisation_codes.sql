{#
    Every organisation code the outcome sources use (sickness absence, CQC ratings, Friends and Family Test),
    once, with the name its latest outcome row gives. Feeds dim_organisation, so that a code known only to an
    outcome source (an independent-sector FFT provider, a national body in the sickness absence file) is an
    organisation with a name, like a survey unit outside ODS.
#}

with

sickness_absence as (

    select org_code, org_name, month as seen_on, 'sickness_absence' as source_name
    from {{ ref('stg_sickness_absence__rates') }}

),

cqc_ratings as (

    select org_code, provider_name as org_name, release_date as seen_on, 'cqc_ratings' as source_name
    from {{ ref('stg_cqc_ratings__ratings') }}

),

fft as (

    select org_code, org_name, month as seen_on, 'fft' as source_name
    from {{ ref('stg_fft__responses') }}

),

all_codes as (

    select * from sickness_absence
    union all
    select * from cqc_ratings
    union all
    select * from fft

),

ranked as (

    select
        all_codes.*,
        row_number() over (
            partition by org_code
            order by case when org_name is null then 1 else 0 end, seen_on desc, source_name
        ) as recency_rank

    from all_codes
    where org_code is not null

),

final as (

    select
        org_code,
        org_name as outcome_org_name,
        source_name as named_by_source

    from ranked
    where recency_rank = 1

)

select * from final
