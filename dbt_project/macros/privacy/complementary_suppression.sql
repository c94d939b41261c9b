{#
    Complementary suppression of the cells of a breakdown (the groups of one partition, e.g. the directorates of
    an organisation for one measure), whose published total lets a reader subtract the shown cells.

    relation     a CTE with base_n and is_withheld (true for cells already withheld: fewer than the minimum of
                 responses, or withheld for another reason)
    partition_by the columns of one breakdown (a list)
    tie_break    a column ordering cells of equal base (for a deterministic choice)

    Adds is_secondary: the smallest cell not yet withheld, when the withheld cells of the breakdown are exactly
    one (the total minus the shown cells would reveal it) or, together, rest on fewer than
    var('respondent_min_base') responses (two cells of 6 and 3 would be revealed together, a group of 9).
    A withheld cell without any response (base 0) has nothing to reveal and needs no protection.
    One more cell is always enough: a cell not withheld for size has at least the minimum, so afterwards the
    withheld cells are two or more and rest on at least the minimum together.
#}
{% macro complementary_suppression(relation, partition_by, tie_break) -%}
    {%- set part = partition_by | join(', ') -%}
    select
        ranked.*,
        ranked.needs_another_cell and not ranked.is_withheld and ranked.open_rank = 1 as is_secondary
    from (
        select
            {{ relation }}.*,
            coalesce(
                sum(case when is_withheld and base_n > 0 then 1 else 0 end) over (partition by {{ part }}) = 1
                or (
                    sum(case when is_withheld and base_n > 0 then 1 else 0 end) over (partition by {{ part }}) > 1
                    and sum(case when is_withheld then coalesce(base_n, 0) else 0 end) over (partition by {{ part }})
                        < {{ var('respondent_min_base') }}
                ),
                false
            ) as needs_another_cell,
            row_number() over (
                partition by {{ part }}
                order by case when is_withheld then 1 else 0 end, base_n, {{ tie_break }}
            ) as open_rank
        from {{ relation }}
    ) as ranked
{%- endmacro %}
