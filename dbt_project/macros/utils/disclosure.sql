{#
    The board disclosure rule (docs/board_disclosure.md), as a condition: a share `group` / `population`
    may be published only when the group and its complement each hold at least var('board_min_group')
    people. A share of 0% or 100% (a group or complement of none) states every member's characteristic, so
    it is withheld too.
#}
{% macro discloses(group, population) -%}
    (({{ group }}) >= {{ var('board_min_group') }} and ({{ population }}) - ({{ group }}) >= {{ var('board_min_group') }})
{%- endmacro %}
