{#- Every row of `points` (a relation with series_id and lookup_day) with its series' running total at the
    end of lookup_day: the total of the last day on or before it that earned something, 0 when there is
    none. One ASOF join, which sorts the running totals once: callers put all their lookups in one relation.
    `totals` narrows the running totals read (e.g. to a few series), the whole table by default.

    The join reads only the totals a lookup can reach: those from the first lookup day on, and each
    series' last total before it (the one a lookup finds when its series earned nothing since). ASOF sorts
    all of its right side: a daily run looks up ~290,000 totals of the current periods' targets, the first
    on the day before the year began, and at M sorted all 19.5M totals since 2023 for them (the target
    values 2.5 s -> 1.7 s alone, the same rows). -#}
{% macro running_totals_at(points, totals=none) -%}
    {%- set totals = totals if totals is not none else ref('int_user_running_totals') %}
    select
        points.*,
        coalesce(totals.value_to_date, 0) as running_total
    from {{ points }} as points
    asof left join (
        select series_id, credit_date, value_to_date
        from {{ totals }}
        where credit_date >= (select min(lookup_day) from {{ points }})
        union all
        select series_id, max(credit_date) as credit_date, arg_max(value_to_date, credit_date) as value_to_date
        from {{ totals }}
        where credit_date < (select min(lookup_day) from {{ points }})
        group by series_id
    ) as totals
        on totals.series_id = points.series_id
        and totals.credit_date <= points.lookup_day
{%- endmacro %}
