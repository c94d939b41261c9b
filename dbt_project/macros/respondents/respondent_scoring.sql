{#
    Respondent-level scoring, generated from the staff survey seeds when the model runs (docs/respondent_format.md).

    respondent_item_map(): {question_id: {survey_year: (column, [(option_order, item_score), ...])}} for every
    scored item (an option with a score), and the sub-score membership {measure_code: [question_id, ...]}.
    At parse time (execute is false) both are empty: dbt only needs the dependencies then.
#}
{% macro respondent_item_map() %}
    {% set items = {} %}
    {% set measures = {} %}
    {% if execute %}
        {% set sql %}
            select si.measure_code, si.item_order, si.question_id, cw.survey_year, lower(cw.question_code) as column_name,
                   rs.option_order, rs.item_score
            from {{ ref('staff_survey_score_items') }} as si
            inner join {{ ref('staff_survey_question_crosswalk') }} as cw on cw.question_id = si.question_id
            inner join {{ ref('staff_survey_response_scales') }} as rs on rs.response_scale = cw.response_scale
            where rs.item_score is not null
            order by si.measure_code, si.item_order, cw.survey_year, rs.option_order
        {% endset %}
        {% for row in run_query(sql).rows %}
            {% set m, qid, year, col = row[0], row[2], row[3] | int, row[4] %}
            {% if m not in measures %}{% do measures.update({m: []}) %}{% endif %}
            {% if qid not in measures[m] %}{% do measures[m].append(qid) %}{% endif %}
            {% if qid not in items %}{% do items.update({qid: {}}) %}{% endif %}
            {% if year not in items[qid] %}{% do items[qid].update({year: (col, [])}) %}{% endif %}
            {% set options = items[qid][year][1] %}
            {% if (row[5] | int, row[6] | float) not in options %}{% do options.append((row[5] | int, row[6] | float)) %}{% endif %}
        {% endfor %}
    {% endif %}
    {{ return({'items': items, 'measures': measures}) }}
{% endmacro %}


{# The year-specific column holding a question, {survey_year: column}, for the given question ids. #}
{% macro respondent_question_columns(question_ids) %}
    {% set out = {} %}
    {% if execute %}
        {% set sql %}
            select question_id, survey_year, lower(question_code) from {{ ref('staff_survey_question_crosswalk') }}
            where question_id in ('{{ question_ids | join("', '") }}') order by question_id, survey_year
        {% endset %}
        {% for row in run_query(sql).rows %}
            {% if row[0] not in out %}{% do out.update({row[0]: {}}) %}{% endif %}
            {% do out[row[0]].update({row[1] | int: row[2]}) %}
        {% endfor %}
    {% endif %}
    {{ return(out) }}
{% endmacro %}


{# The answer to a question whose code moves between years: case survey_year when ... then <column> end. #}
{% macro respondent_answer(by_year) -%}
    {%- if by_year -%}
    (case {% for year, column in by_year.items() %}when survey_year = {{ year }} then {{ column }} {% endfor %}end)
    {%- else -%}
    cast(null as {{ dbt.type_int() }})
    {%- endif -%}
{%- endmacro %}


{# A respondent's 0-10 score on one item: the year's column, mapped through its response scale. #}
{% macro respondent_item_score(by_year) -%}
    {%- if by_year -%}
    cast((case {% for year, spec in by_year.items() %}when survey_year = {{ year }} then (case {{ spec[0] }}
        {%- for option, score in spec[1] %} when {{ option }} then {{ score }}{% endfor %} end) {% endfor %}end)
        as {{ type_double() }})
    {%- else -%}
    cast(null as {{ type_double() }})
    {%- endif -%}
{%- endmacro %}


{#- The element or theme a sub-score belongs to, from its published code (PP4_2 -> PP4, E_1 -> ENGAGEMENT,
    M_3 -> MORALE; PP2 and elements -> none), as staff_survey_measures has it. Kept off that seed so the
    respondent job does not select the seed and, with it, the tests of other sources' marts. -#}
{% macro respondent_parent_measure(code) -%}
    {%- if code.startswith('E_') -%}{{ return('ENGAGEMENT') }}
    {%- elif code.startswith('M_') -%}{{ return('MORALE') }}
    {%- elif '_' in code -%}{{ return(code.split('_')[0]) }}
    {%- else -%}{{ return(none) }}{%- endif -%}
{%- endmacro %}

{% macro respondent_parent_measure_sql(column) -%}
    (case
        when substring({{ column }} from 1 for 2) = 'E_' then 'ENGAGEMENT'
        when substring({{ column }} from 1 for 2) = 'M_' then 'MORALE'
        when position('_' in {{ column }}) > 0 then substring({{ column }} from 1 for position('_' in {{ column }}) - 1)
    end)
{%- endmacro %}


{#- Sub-scores with an item that no response option scores (PP4_1: the 'reported it' items Q13d, Q14d, whose
    published rule is not known): their respondent-level score leaves those items out, so it cannot reproduce
    the published one. Empty at parse time. -#}
{% macro respondent_unreproducible_measures() %}
    {% set out = [] %}
    {% if execute %}
        {% set sql %}
            select distinct si.measure_code
            from {{ ref('staff_survey_score_items') }} as si
            inner join {{ ref('staff_survey_question_crosswalk') }} as cw on cw.question_id = si.question_id
            where not exists (
                select 1 from {{ ref('staff_survey_response_scales') }} as rs
                where rs.response_scale = cw.response_scale and rs.item_score is not null
            )
            order by 1
        {% endset %}
        {% for row in run_query(sql).rows %}{% do out.append(row[0]) %}{% endfor %}
    {% endif %}
    {{ return(out) }}
{% endmacro %}
