{#
    How NHS trusts are rated, per geography (England, NHS England region, staff survey benchmarking group),
    release and domain: how many trusts have each rating, and the share rated Good or Outstanding. CQC rates
    every trust against one national framework, so the distribution is a fair comparison; it says nothing about
    how old each rating is (see fct_cqc_ratings.rating_age_days).
#}

with

ratings as (

    select * from {{ ref('fct_cqc_ratings') }}

),

geographies as (

    select * from {{ ref('int_organisations__trust_geographies') }}

),

final as (

    select
        geographies.geography_level,
        geographies.geography_code,
        max(geographies.geography_name) as geography_name,
        ratings.release_date,
        ratings.domain,
        count(*) as trusts_listed,
        count(ratings.rating_ordinal) as trusts_rated,
        sum(case when ratings.rating_ordinal = 4 then 1 else 0 end) as outstanding_count,
        sum(case when ratings.rating_ordinal = 3 then 1 else 0 end) as good_count,
        sum(case when ratings.rating_ordinal = 2 then 1 else 0 end) as requires_improvement_count,
        sum(case when ratings.rating_ordinal = 1 then 1 else 0 end) as inadequate_count,
        100 * {{ safe_divide('sum(case when ratings.rating_ordinal >= 3 then 1 else 0 end)',
                             'count(ratings.rating_ordinal)') }} as good_or_outstanding_pct,
        percentile_cont(0.5) within group (order by ratings.rating_age_days) as median_rating_age_days

    from ratings
    inner join geographies
        on geographies.org_code = ratings.org_code
    group by geographies.geography_level, geographies.geography_code, ratings.release_date, ratings.domain

)

select * from final
