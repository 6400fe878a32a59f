{#- No two rows share the same values in all of `columns` (nulls compare equal).

    Two kinds of rows are not checked again, because a passing check of the very same rows already happened:
    - a reusable table reused by this run (macros/reusable_table.sql);
    - with `recomputed_dates_column` on a date-incremental model whose key includes that column: the dates
      this run did not recompute. Their rows were written and checked by an earlier run, and a failed check
      stops int_ledger_fingerprints from being stored, so the next run recomputes and checks them again. A
      full refresh checks every row. -#}
{% test unique_combination(model, columns, recomputed_dates_column=none) %}
{%- if tests_already_passed(model) %}
select {{ columns | join(', ') }}, 0 as copies from {{ model }} where false
{%- else %}
select {{ columns | join(', ') }}, count(*) as copies
from {{ model }}
{%- if recomputed_dates_column is not none and not flags.FULL_REFRESH %}
where {{ recomputed_dates_column }} in ({{ recomputed_dates_sql() }})
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endif %}
{% endtest %}
