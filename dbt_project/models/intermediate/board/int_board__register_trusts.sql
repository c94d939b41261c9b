{#
    Every register row with its lineage and the ODS trust it names (null when unknown), so the test
    board_register_org_code_is_an_ods_trust can name the file and row of a register for an unknown trust.
    Without an ODS file in the refresh nothing can be checked (ods_landed false).
#}

with

registers as (

    select * from {{ ref('stg_board__registers') }}

),

ods_trusts as (

    select * from {{ ref('stg_ods__trusts') }}

),

ods_presence as (

    select count(*) > 0 as ods_landed
    from ods_trusts

),

final as (

    select
        registers._source_file,
        registers._row_number,
        registers.org_code,
        registers.as_at_date,
        registers.post_id,
        ods_trusts.org_code as ods_org_code,
        ods_presence.ods_landed

    from registers
    cross join ods_presence
    left join ods_trusts
        on ods_trusts.org_code = registers.org_code

)

select * from final
