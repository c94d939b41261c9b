{#
    The indicator catalogue: one row per published indicator_code. Seeded metadata (seed indicator_catalogue,
    written by scripts/make_indicator_catalogue.py from the staff survey seeds, the WRES band list and the
    board measures) plus, for staff survey questions the crosswalk does not map (question_id
    'unmapped_<code>'), a row built from the landed questions so that no published code lacks a catalogue row. Those
    are flagged is_catalogued false and not assessed; every other code must be in the seed (the test
    assert_published_indicators_in_dim_indicator fails the build otherwise).
#}

with

catalogue as (

    select * from {{ ref('indicator_catalogue') }}

),

indicator_statements as (

    select * from {{ ref('indicator_quality_statements') }}

),

questions as (

    -- The questions as landed, mapped to the crosswalk: the facts' indicator codes without reading the facts.
    select
        {{ dbt.concat(["'nss_'", 'question_id']) }} as indicator_code,
        question_code,
        question_text,
        survey_year,
        is_mapped

    from {{ ref('int_staff_survey__question_options') }}

),

primary_statements as (

    select indicator_code, statement_code as primary_quality_statement
    from indicator_statements
    where is_primary

),

unmapped_questions as (

    select
        indicator_code,
        max(question_code) as question_code,
        max(question_text) as question_text,
        min(survey_year) as first_year

    from questions
    where not is_mapped
        and indicator_code not in (select indicator_code from catalogue)
    group by indicator_code

),

catalogued as (

    select
        catalogue.indicator_code,
        catalogue.indicator_name,
        catalogue.definition,
        catalogue.source_table,
        catalogue.source,
        catalogue.source_name,
        catalogue.publisher,
        catalogue.licence,
        catalogue.publication_date,
        catalogue.publication_note,
        catalogue.unit,
        catalogue.direction_of_good,
        catalogue.assessment_method,
        catalogue.target_value,
        catalogue.target_lower,
        catalogue.target_upper,
        catalogue.target_note,
        catalogue.quality_statements,
        primary_statements.primary_quality_statement,
        catalogue.method_note,
        catalogue.comparable_from_year,
        catalogue.comparable_to_year,
        catalogue.comparability_note,
        catalogue.chance_flag_rate,
        catalogue.trend_method,
        coalesce(catalogue.construct_code, catalogue.indicator_code) as construct_code,
        coalesce(catalogue.construct_rank, 1) as construct_rank,
        catalogue.parent_indicator_code,
        catalogue.positive_base,
        catalogue.positive_base_note,
        true as is_catalogued

    from catalogue
    left join primary_statements
        on primary_statements.indicator_code = catalogue.indicator_code

),

found_only as (

    select
        unmapped_questions.indicator_code,
        coalesce(unmapped_questions.question_text, unmapped_questions.question_code) as indicator_name,
        {{ dbt.concat([
            "'NHS Staff Survey question '", 'unmapped_questions.question_code',
            "' as published; not in the question crosswalk, so not catalogued or assessed.'"
        ]) }} as definition,
        'fct_staff_survey_questions' as source_table,
        source_catalogue.source,
        source_catalogue.source_name,
        source_catalogue.publisher,
        source_catalogue.licence,
        source_catalogue.publication_date,
        source_catalogue.publication_note,
        'percent' as unit,
        'none' as direction_of_good,
        'not_assessed' as assessment_method,
        cast(null as {{ type_double() }}) as target_value,
        cast(null as {{ type_double() }}) as target_lower,
        cast(null as {{ type_double() }}) as target_upper,
        cast(null as {{ dbt.type_string() }}) as target_note,
        cast(null as {{ dbt.type_string() }}) as quality_statements,
        cast(null as {{ dbt.type_string() }}) as primary_quality_statement,
        'Found in the published facts but not in the question crosswalk: add the question to '
            || 'staff_survey_question_crosswalk and rerun scripts/make_indicator_catalogue.py.' as method_note,
        unmapped_questions.first_year as comparable_from_year,
        cast(null as {{ dbt.type_int() }}) as comparable_to_year,
        'Not mapped to a stable concept: no trend.' as comparability_note,
        cast(null as {{ type_double() }}) as chance_flag_rate,
        'direction_only' as trend_method,
        unmapped_questions.indicator_code as construct_code,
        1 as construct_rank,
        cast(null as {{ dbt.type_string() }}) as parent_indicator_code,
        'all_responses' as positive_base,
        'As the organisational results publish it (every answer in the base); not catalogued.' as positive_base_note,
        false as is_catalogued

    from unmapped_questions
    cross join (
        select * from catalogue where indicator_code = 'nss_pp1'
    ) as source_catalogue

),

final as (

    select * from catalogued
    union all
    select * from found_only

)

select * from final
