{{ config(meta={'dagster': {'ref': {'name': 'fct_board_composition'}}}) }}
{#
    Privacy: gender, ethnicity and identifiers of board members feed aggregates only and must never be a
    column of a published table (docs/architecture.md, Privacy), nor may a count or share of a board register's members
    by ethnic group or gender that bypasses the board tables' small-number suppression (a register_* column
    naming a group). Fails with one row per offending column.
    The depends_on refs make the test run after every mart that board registers feed is built.
#}
-- depends_on: {{ ref('dim_organisation') }}
-- depends_on: {{ ref('fct_staff_survey_scores') }}
-- depends_on: {{ ref('fct_wres_indicators') }}
-- depends_on: {{ ref('fct_wres_board_cross_check') }}
-- depends_on: {{ ref('fct_board_composition') }}
-- depends_on: {{ ref('fct_board_benchmarks') }}

with

mart_columns as (

    select table_name, column_name
    from information_schema.columns
    where table_schema = 'marts'

),

final as (

    select table_name, column_name
    from mart_columns
    where lower(column_name) in (
        'member_id', 'gender', 'ethnic_category', 'ethnic_group', 'ethnicity', 'post_id', 'role_title'
    )
    or (
        lower(column_name) like '%register%'
        and (
            lower(column_name) like '%white%' or lower(column_name) like '%bme%'
            or lower(column_name) like '%unknown%' or lower(column_name) like '%men%'
        )
    )

)

select * from final
