{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} as kept using {{ ref('int_series_daily_value_changes') }} as changed where kept.series_id = changed.series_id and kept.credit_date = changed.credit_date{% endif %}",
    post_hook="{{ record_series_generation() }}",
) }}
{#- Each series' value earned per day (macros/series_daily_values.sql): one row per series and day that
    earned something, whatever the number of periods the day falls in. A target's value over [start, X] is
    the sum of its series' days in the range, read as two running totals, on X and on the day before
    start (macros/running_totals.sql): nothing is repeated per month, quarter and year.

    No running total is stored beside each day: a late change on one day would move every later total of
    its series, and a day's changes reach 91 dates at M, so the run rewrote 1.9M running totals. Stored as
    daily values, a run changes only the days whose value differs (int_series_daily_value_changes): it
    deletes them and inserts their new values.

    Each write is a generation, recorded beside the table by the invocation that wrote it
    (macros/valuation.sql). int_target_values adds a run's changes to the values it kept only when they
    were valued on the generation those changes were compared with. -#}
-- depends_on: {{ ref('int_series_daily_value_changes') }}
{%- if is_incremental() %}
select series_id, credit_date, daily_value
from {{ ref('int_series_daily_value_changes') }}
where daily_value is not null
{%- else %}
select * from ({{ series_daily_values() }})
{{ in_date_order() }}
{%- endif %}
