{#
    CQC ratings of NHS trusts, one row per trust, release and domain (Overall and the five key questions): the
    rating each monthly "Latest ratings" release lists, with the date CQC published it and its age at the
    release. Every release is kept, so the history of a trust's well-led rating over releases can be read;
    the newest release supersedes the older ones (is_latest_release, superseded_by_release_date).
#}

with

ratings as (

    select * from {{ ref('int_outcomes__cqc_release_ratings') }}

),

organisations as (

    select * from {{ ref('int_organisations__organisations') }}

),

releases as (

    select max(release_date) as latest_release_date from ratings

),

sequenced as (

    select
        ratings.*,
        lag(release_date) over (partition by org_code, domain_code order by release_date) as previous_release_date,
        lag(rating) over (partition by org_code, domain_code order by release_date) as previous_rating,
        lag(rating_publication_date) over (
            partition by org_code, domain_code order by release_date
        ) as previous_rating_publication_date,
        lead(release_date) over (partition by org_code, domain_code order by release_date) as next_release_date

    from ratings

),

final as (

    select
        sequenced.org_code,
        sequenced.release_date,
        sequenced.domain_code as domain,
        sequenced.domain as domain_name,
        cast(extract(year from sequenced.release_date) as {{ dbt.type_int() }}) as period,
        coalesce(organisations.org_name, sequenced.provider_name) as org_name,
        organisations.org_kind,
        organisations.region_code,
        organisations.benchmarking_group_code,
        sequenced.primary_inspection_category,
        sequenced.rating,
        sequenced.rating_ordinal,
        sequenced.rating_publication_date,
        {{ dbt.datediff('sequenced.rating_publication_date', 'sequenced.release_date', 'day') }} as rating_age_days,
        -- The rating was published before the year it is shown for (the release's year): it describes an
        -- older inspection, which a reader of that year's figures should know.
        extract(year from sequenced.rating_publication_date) < extract(year from sequenced.release_date)
            as is_rated_before_period,
        sequenced.report_type,
        sequenced.is_inherited,
        sequenced.has_conflicting_ratings,
        sequenced.previous_release_date,
        sequenced.previous_rating,
        case
            when sequenced.previous_release_date is null then null
            else coalesce(sequenced.rating, '') <> coalesce(sequenced.previous_rating, '')
                or sequenced.rating_publication_date <> sequenced.previous_rating_publication_date
        end as is_changed_since_previous_release,
        sequenced.release_date = releases.latest_release_date as is_latest_release,
        sequenced.next_release_date as superseded_by_release_date,
        sequenced.source_file

    from sequenced
    cross join releases
    left join organisations
        on organisations.org_code = sequenced.org_code

)

select * from final
