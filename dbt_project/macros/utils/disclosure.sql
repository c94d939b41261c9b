{#
    The board disclosure rule (docs/board_disclosure.md), as a condition: a share `group` / `population`
    may be published only when the group and its complement each hold at least var('board_min_group')
    people. A share of 0% or 100% (a group or complement of none) states every member's characteristic, so
    it is withheld too.
#}
{% macro discloses(group, population) -%}
    (({{ group }}) >= {{ var('board_min_group') }} and ({{ population }}) - ({{ group }}) >= {{ var('board_min_group') }})
{%- endmacro %}

{#
    <prefix>_published, <prefix>_numerator and <prefix>_denominator of a pooled board measure
    (fct_board_benchmarks): whether another published figure of the same trust nests with this one, and its
    counts (`figure` = (condition, numerator, denominator), or none: nothing published, counts 0).
#}
{% macro published_part_columns(figure, prefix='part') -%}
    {%- if figure -%}
        coalesce({{ figure[0] }}, false) as {{ prefix }}_published,
        case when {{ figure[0] }} then cast({{ figure[1] }} as {{ type_double() }}) else 0 end as {{ prefix }}_numerator,
        case when {{ figure[0] }} then cast({{ figure[2] }} as {{ type_double() }}) else 0 end as {{ prefix }}_denominator
    {%- else -%}
        false as {{ prefix }}_published,
        cast(0 as {{ type_double() }}) as {{ prefix }}_numerator,
        cast(0 as {{ type_double() }}) as {{ prefix }}_denominator
    {%- endif -%}
{%- endmacro %}
