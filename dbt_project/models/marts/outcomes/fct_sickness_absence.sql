{#- Computed in int_outcomes__sickness_absence, which the intermediate models that need these figures read. -#}
select * from {{ ref('int_outcomes__sickness_absence') }}
