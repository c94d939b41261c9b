{#- One row per respondent: identifiers cleaned, protected characteristics normalised, answers as landed. -#}
{%- set question_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(source('respondents', 'staff_survey_respondents')) -%}
        {%- if modules.re.match('^q[0-9]', column.name | lower) -%}{%- do question_columns.append(column.name | lower) -%}{%- endif -%}
    {%- endfor -%}
{%- endif -%}

with

source as (

    select * from {{ source('respondents', 'staff_survey_respondents') }}

),

final as (

    select
        cast(survey_year as {{ dbt.type_int() }}) as survey_year,
        upper(trim(org_code)) as org_code,
        trim(respondent_id) as respondent_id,
        nullif(trim(occupation_group), '') as occupation_group,
        nullif(trim(directorate), '') as directorate,
        coalesce(nullif(trim(ethnicity_group), ''), 'not_stated') as ethnicity_group,
        coalesce(nullif(trim(gender), ''), 'not_stated') as gender,
        coalesce(nullif(trim(disability), ''), 'not_stated') as disability,
        {%- for column in question_columns %}
        {{ column }},
        {%- endfor %}
        _source_file,
        _row_number

    from source

)

select * from final
