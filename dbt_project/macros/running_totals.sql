{#- Every row of `points` (a relation with series_id and lookup_day) with its series' running total at the
    end of lookup_day: the total of the last day on or before it that earned something, 0 when there is
    none. One ASOF join, which sorts the running totals once: callers put all their lookups in one relation.
    `totals` narrows the running totals read (e.g. to a few series), the whole table by default. -#}
{% macro running_totals_at(points, totals=none) -%}
    select
        points.*,
        coalesce(totals.value_to_date, 0) as running_total
    from {{ points }} as points
    asof left join {{ totals if totals is not none else ref('int_user_running_totals') }} as totals
        on totals.series_id = points.series_id
        and totals.credit_date <= points.lookup_day
{%- endmacro %}
