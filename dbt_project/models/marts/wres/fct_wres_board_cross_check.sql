{#
    WRES indicator 9 of each return against the trust's board register as at 31 March of the reporting year,
    one row per trust, reporting year and board group (published so that a mismatch names its trust; the
    GX suite expectations/fct_wres_board_cross_check.json warns on every false is_consistent_with_register).
    Privacy: the register's counts by ethnic group stay in the intermediate model. They come from member-level
    registers, where a group of two or three people makes a count identifying; only the register's group size
    and whether it agrees with the (already published) return leave the warehouse.
#}

with

cross_check as (

    select * from {{ ref('int_wres__board_cross_check') }}

),

final as (

    select
        org_code,
        reporting_year,
        board_group,
        indicator_code,
        return_white,
        return_bme,
        return_unknown,
        return_bme_pct,
        has_register,
        register_members,
        is_consistent_with_register

    from cross_check

)

select * from final
