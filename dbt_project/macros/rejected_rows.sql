{#- The rows of an event table (leads, activities) that its checks set aside, for the quarantine: their
    id as text (`source_id`), the first check each failed (`reason`) and their local date (`date_column`).

    Read from the table's verdicts (int_*_verdicts: the checks without a date), narrowed on a daily run to
    the hours of the dates it recomputes, and only the rejected rows are dated, then kept to the recomputed
    dates (and, for rows without an instant, the changed buckets of `id_column`). Dating every row before
    the checks cost the full build ~1.4 s at M for the activities: DuckDB keeps a left join whose columns a
    query does not read. -#}
{% macro rejected_event_rows(verdicts, id_column, instant_column, date_column, changes, recomputed_dates) -%}
with

rejected as (
    select {{ id_column }}, rejection_reason, {{ instant_column }}
    from {{ verdicts }}
    where rejection_reason is not null
        and {{ event_rows_to_recompute(changes, recomputed_dates, instant_column, none, undated_id_column=id_column) }}
),

dated as (
    select
        rejected.*,
        {{ local_date_from_join('rejected.' ~ instant_column, 'local_hour') }} as {{ date_column }}
    from rejected
    {{ local_date_join('rejected.' ~ instant_column, 'local_hour') }}
)

select
    cast({{ id_column }} as varchar) as source_id,
    rejection_reason as reason,
    {{ date_column }}
from dated
where {{ event_rows_to_recompute(changes, recomputed_dates, instant_column, date_column, undated_id_column=id_column) }}
{%- endmacro %}
