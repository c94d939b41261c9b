{#- Computed in int_board__composition, which the intermediate models that need these figures read. -#}
select * from {{ ref('int_board__composition') }}
