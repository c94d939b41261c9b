{#- Computed in int_outcomes__fft, which the intermediate models that need these figures read. -#}
select * from {{ ref('int_outcomes__fft') }}
