{#- Computed in int_outcomes__cqc_ratings, which the intermediate models that need these figures read. -#}
select * from {{ ref('int_outcomes__cqc_ratings') }}
