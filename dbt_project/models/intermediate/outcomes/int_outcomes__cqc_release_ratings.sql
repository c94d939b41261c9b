{#
    One rating per release, NHS trust and domain. CQC notes that a provider may have two ratings of one domain
    published on the same date, and lists both: the latest publication date is taken; where two different
    ratings share it, neither is presented as the rating (rating and ordinal null, has_conflicting_ratings
    true), because CQC itself says its website must be checked for the current one.
#}

with

ratings as (

    select * from {{ ref('stg_cqc_ratings__ratings') }}

),

dated as (

    select
        ratings.*,
        max(rating_publication_date) over (partition by org_code, release_date, domain_code) as latest_publication_date

    from ratings

),

latest as (

    select * from dated
    where rating_publication_date = latest_publication_date

),

final as (

    select
        org_code,
        release_date,
        domain_code,
        max(domain) as domain,
        max(provider_name) as provider_name,
        max(primary_inspection_category) as primary_inspection_category,
        case when count(distinct rating) = 1 then max(rating) end as rating,
        case when count(distinct rating) = 1 then max(rating_ordinal) end as rating_ordinal,
        max(rating_publication_date) as rating_publication_date,
        count(distinct rating) > 1 as has_conflicting_ratings,
        max(report_type) as report_type,
        case
            when count(is_inherited) = 0 then null
            else max(case when is_inherited then 1 else 0 end) = 1
        end as is_inherited,
        min(_source_file) as source_file

    from latest
    group by org_code, release_date, domain_code

)

select * from final
