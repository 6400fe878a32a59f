{#- No two rows share the same values in all of `columns` (nulls compare equal).

    Three kinds of rows are not checked again, because a passing check of the very same rows already happened:
    - a reusable table reused by this run (macros/reusable_table.sql);
    - with `recomputed_dates_column` on a date-incremental model whose key includes that column: the dates
      this run did not recompute. Their rows were written and checked by an earlier run, and a failed check
      stops int_ledger_fingerprints from being stored, so the next run recomputes and checks them again. A
      full refresh checks every row;
    - with `snapshot_window_column` on the snapshot history, whose key includes that column: the days
      outside the run's snapshot window. A run deletes and writes exactly its window's days, so a key can
      only be repeated inside it; the days before were checked by the runs that wrote them. Checking the
      whole history instead would make every daily run slower as the history grows (at S with a year of
      snapshots, 1.5 s of a 10 s dbt run). A full refresh checks every row. -#}
{% test unique_combination(model, columns, recomputed_dates_column=none, snapshot_window_column=none) %}
{%- if tests_already_passed(model) %}
select {{ columns | join(', ') }}, 0 as copies from {{ model }} where false
{%- else %}
select {{ columns | join(', ') }}, count(*) as copies
from {{ model }}
{%- if recomputed_dates_column is not none and not flags.FULL_REFRESH %}
where {{ recomputed_dates_column }} in ({{ recomputed_dates_sql() }})
{%- elif snapshot_window_column is not none and not flags.FULL_REFRESH %}
where {{ snapshot_window_column }} between {{ snapshot_window_start() }} and {{ snapshot_window_end() }}
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endif %}
{% endtest %}
