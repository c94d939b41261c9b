{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'stg_staff_survey__organisations'}}}) }}

{#
    Every benchmarking-group label a survey file uses should be in the seed benchmarking_groups: an unmapped
    label (a new year's spelling) leaves benchmarking_group_code null. Warns with one row per unmapped label;
    fix by adding the label to seeds/benchmarking_groups.csv.
#}

with

organisations as (

    select * from {{ ref('stg_staff_survey__organisations') }}

),

wres_rates as (

    select * from {{ ref('stg_staff_survey__wres_rates') }}

),

benchmarking_groups as (

    select * from {{ ref('benchmarking_groups') }}

),

labels as (

    select distinct benchmarking_group_label, 'organisational_results' as found_in from organisations
    union
    select distinct benchmarking_group_label, 'benchmark_workbook' as found_in from wres_rates

),

final as (

    select labels.benchmarking_group_label, labels.found_in
    from labels
    left join benchmarking_groups
        on lower(benchmarking_groups.benchmarking_group_label) = lower(labels.benchmarking_group_label)
    where labels.benchmarking_group_label is not null
      and benchmarking_groups.benchmarking_group_code is null

)

select * from final
