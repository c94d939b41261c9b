{#- Computed in int_staff_survey__scores, which the intermediate models that need these figures read. -#}
select * from {{ ref('int_staff_survey__scores') }}
