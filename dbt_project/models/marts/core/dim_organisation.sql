{#- Computed in int_organisations__organisations, which the intermediate models that need these figures read. -#}
select * from {{ ref('int_organisations__organisations') }}
