{#- Computed in int_wres__indicators, which the intermediate models that need these figures read. -#}
select * from {{ ref('int_wres__indicators') }}
