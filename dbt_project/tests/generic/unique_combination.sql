{#- No two rows share the same values in all of `columns` (nulls compare equal).

    Four kinds of rows are not checked again, because a passing check of the very same rows already happened:
    - a reusable table reused by this run (macros/reusable_table.sql);
    - with `recomputed_dates_column` on a date-incremental model whose key includes that column: the dates
      this run did not recompute. Their rows were written and checked by an earlier run, and a failed check
      stops int_ledger_fingerprints from being stored, so the next run recomputes and checks them again. A
      full refresh checks every row;
    - with `snapshot_window_column` on the snapshot history, whose key includes that column: the days
      outside the run's snapshot window. A run deletes and writes exactly its window's days, so a key can
      only be repeated inside it; the days before were checked by the runs that wrote them. Checking the
      whole history instead would make every daily run slower as the history grows (at S with a year of
      snapshots, 1.5 s of a 10 s dbt run). A full refresh checks every row;
    - with `recomputed_events` on a view an event ledger's daily table is built from (the deals' credit
      shares): the rows whose event date this run does not recompute. The daily table reads the view's rows
      of the recomputed dates only, and kept the others from the runs that wrote, and checked, them. Every
      row is checked on a full refresh, a first build (no daily table yet) and a rebuild of the whole
      ledger, which any change of the code makes (the ledger's settings hold the code version). A failed
      check leaves the ledger's state invalid, so the next run rebuilds and checks all. At M the whole
      check took 1.1-1.2 s alone of one more day, on the path every later model waits on.
      `recomputed_events` names, in the tested view's schema: `consumer` (the daily table), the ledger's
      `changes` and `recomputed_dates`, and the view's `date_column`, which carries each row's event
      date. The filter is on that column of the view itself, which DuckDB pushes down to the events' scan.
      Naming the events by a semi-join on their table instead, DuckDB computed every won deal's shares
      before applying it (the deals' credit shares at M: 1.25-1.47 s, against 0.68-0.93 s alone).

    A key of more than three columns is grouped by its hash first, and only the rows whose hash repeats are
    grouped again by the columns themselves: the same rows come out, since copies of a key share its
    hash, and a group of one 64-bit number costs less than one of several text columns. The ledger's
    key (user, day, metric type and field, currency) over 21.7M rows at M: 5.1-5.2 s -> 3.4-3.8 s. With
    fewer columns (a number and a date) it gained nothing, and keeps the one grouping. -#}
{% test unique_combination(model, columns, recomputed_dates_column=none, snapshot_window_column=none,
                           recomputed_events=none) %}
{%- set key = columns | join(', ') %}
{%- if tests_already_passed(model) %}
select {{ key }}, 0 as copies from {{ model }} where false
{%- else %}
with

checked_rows as not materialized (
    select {{ columns | unique | join(', ') }}
    from {{ model }}
{%- if recomputed_dates_column is not none and not flags.FULL_REFRESH %}
    where {{ recomputed_dates_column }} in ({{ recomputed_dates_sql() }})
{%- elif snapshot_window_column is not none and not flags.FULL_REFRESH %}
    where {{ snapshot_window_column }} between {{ snapshot_window_start() }} and {{ snapshot_window_end() }}
{%- elif recomputed_events is not none and not flags.FULL_REFRESH %}
    {%- set events = recomputed_events_relations(model, recomputed_events) %}
    {%- if events is not none %}
    where {{ recomputed_dates_in(events.recomputed_dates, recomputed_events.date_column) }}
    {%- endif %}
{%- endif %}
)
{%- set hashed_first = columns | unique | list | length > 3 %}
{%- if hashed_first %},

repeated_hashes as (
    select hash({{ key }}) as key_hash
    from checked_rows
    group by key_hash
    having count(*) > 1
)
{%- endif %}

select {{ key }}, count(*) as copies
from checked_rows
{%- if hashed_first %}
where hash({{ key }}) in (select key_hash from repeated_hashes)
{%- endif %}
group by {{ key }}
having count(*) > 1
{%- endif %}
{% endtest %}
