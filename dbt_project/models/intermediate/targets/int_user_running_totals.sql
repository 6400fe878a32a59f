{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where credit_date >= ({{ first_recomputed_date() }}){% endif %}",
) }}
{#- Each user's running total per series (int_user_series) at the end of every day they earned something. An individual
    target's value over [start, X] is the running total on X less the one on the day before start (both read
    with an ASOF join: the last day on or before): exact DECIMAL sums, so the difference equals the sum of
    the days in between to the last digit.

    Incremental: a total depends on nothing after its day, so a run keeps every day before the first date it
    recomputes, and continues each series from its last kept total. -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}

with

daily as (
    select * from {{ ref('int_user_daily_values') }}
    {%- if is_incremental() %}
    where credit_date >= ({{ first_recomputed_date() }})
    {%- endif %}
),

{%- if is_incremental() %}

kept_totals as (
    select series_id, arg_max(value_to_date, credit_date) as value_to_date
    from {{ this }}
    group by series_id
),
{%- endif %}

running as (
    select
        series_id,
        credit_date,
        daily_value,
        sum(daily_value) over (
            partition by series_id
            order by credit_date
            rows between unbounded preceding and current row
        ) as value_to_date
    from daily
)

select
    running.series_id,
    running.credit_date,
    running.daily_value,
    {%- if is_incremental() %}
    running.value_to_date + coalesce(kept_totals.value_to_date, 0) as value_to_date
    {%- else %}
    running.value_to_date
    {%- endif %}
from running
{%- if is_incremental() %}
left join kept_totals on kept_totals.series_id = running.series_id
{%- endif %}
