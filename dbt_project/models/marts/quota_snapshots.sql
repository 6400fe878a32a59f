{#- One row per quota per day of its period: the value and attainment as of that day, from the events
    dated on or before it. Each run writes the days of its window (a Dagster daily partition, or a
    backfill's range in one go) and first deletes exactly those days, so a re-run replaces them and no
    other day changes. A full refresh never drops the history. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        tags=['snapshot_history'],
        pre_hook="{% if is_incremental() %}delete from {{ this }} where snapshot_date between "
            ~ "{{ snapshot_window_start() }} and {{ snapshot_window_end() }}{% endif %}",
        post_hook="{{ store_snapshot_days() }}",
    )
}}

-- depends_on: {{ ref('int_rollup_target_daily_values') }}
-- depends_on: {{ ref('int_rollup_target_running_totals') }}
-- depends_on: {{ ref('int_series_daily_values') }}
-- depends_on: {{ ref('int_target_values') }}
-- depends_on: {{ ref('int_ledger_changed_dates') }}
{%- set one_day = snapshot_window_start() == snapshot_window_end() %}
{%- set values_of_the_day = one_day and target_values_hold(snapshot_window_end()) %}

with

window_days as (
    select cast(unnest(generate_series(
        {{ snapshot_window_start() }}, {{ snapshot_window_end() }}, interval 1 day
    )) as date) as snapshot_date
),

quota_days as (
    select
        quotas.quota_id,
        quotas.period_id,
        quotas.scope_type,
        quotas.start_date,
        quotas.target_value,
        window_days.snapshot_date
    from {{ ref('int_quotas_checked') }} as quotas
    inner join window_days
        on window_days.snapshot_date between quotas.start_date and quotas.end_date
    where quotas.rejection_reason is null
),

individual_days as (
    select quota_days.*, series.series_id
    from quota_days
    inner join {{ ref('int_individual_targets') }} as series
        on series.target_kind = 'quota' and series.target_id = quota_days.quota_id
),

rollup_days as (
    select * from quota_days where scope_type in ('team', 'company')
),

{#- The daily run's one day is the day the target values were just computed for (macros/valuation.sql,
    target_values_hold): each quota's snapshot is its value as of that day, already known. -#}
{%- if values_of_the_day %}

values_of_the_day as (
    select target_id as quota_id, current_value
    from {{ ref('int_target_values') }}
    where target_kind = 'quota'
),

snapshots as (
    select
        days.quota_id,
        days.snapshot_date,
        coalesce(values_of_the_day.current_value, 0) as current_value,
        days.target_value,
        days.period_id
    from (
        select quota_id, snapshot_date, target_value, period_id from individual_days
        union all
        select quota_id, snapshot_date, target_value, period_id from rollup_days
    ) as days
    left join values_of_the_day on values_of_the_day.quota_id = days.quota_id
)
{%- else %}

{#- An individual quota's value on a day: its series' running total on that day less the one on the day
    before the period started, both looked up in one pass (and counted from the first lookup day on:
    `relative`, only their difference is used). -#}

lookups as (
    select quota_id, series_id, cast(null as date) as snapshot_date, cast(start_date - interval 1 day as date) as lookup_day
    from (select distinct quota_id, series_id, start_date from individual_days)
    union all
    select quota_id, series_id, snapshot_date, snapshot_date
    from individual_days
),

{#- Read twice below: materialized, so the lookups run once. -#}
looked_up as materialized (
    {{ running_totals_at('lookups', relative=true) }}
),

individual_snapshots as (
    select
        individual_days.quota_id,
        individual_days.snapshot_date,
        on_day.running_total - before_start.running_total as current_value,
        individual_days.target_value,
        individual_days.period_id
    from individual_days
    inner join looked_up as on_day
        on on_day.quota_id = individual_days.quota_id and on_day.snapshot_date = individual_days.snapshot_date
    inner join looked_up as before_start
        on before_start.quota_id = individual_days.quota_id and before_start.snapshot_date is null
),

{#- A team's or the company's quota: a window of one day (every daily run) needs each quota's total up to
    that day, one aggregate of its daily values. A longer window (a backfill) reads the running totals, one
    lookup per quota and day. Both are exact DECIMAL sums of the same daily values, so they agree to the
    last digit. #}
{%- if one_day %}

rollup_totals as (
    select target_id as quota_id, sum(daily_value) as value_to_date
    from {{ ref('int_rollup_target_daily_values') }}
    where target_kind = 'quota' and credit_date <= {{ snapshot_window_end() }}
    group by target_id
),

rollup_snapshots as (
    select
        rollup_days.quota_id,
        rollup_days.snapshot_date,
        coalesce(rollup_totals.value_to_date, 0) as current_value,
        rollup_days.target_value,
        rollup_days.period_id
    from rollup_days
    left join rollup_totals on rollup_totals.quota_id = rollup_days.quota_id
),
{%- else %}

cumulative as (
    select target_id as quota_id, credit_date, value_to_date
    from {{ ref('int_rollup_target_running_totals') }}
    where target_kind = 'quota' and credit_date <= {{ snapshot_window_end() }}
),

rollup_snapshots as (
    select
        rollup_days.quota_id,
        rollup_days.snapshot_date,
        coalesce(cumulative.value_to_date, 0) as current_value,
        rollup_days.target_value,
        rollup_days.period_id
    from rollup_days
    asof left join cumulative
        on cumulative.quota_id = rollup_days.quota_id
        and rollup_days.snapshot_date >= cumulative.credit_date
),
{%- endif %}

snapshots as (
    select * from individual_snapshots
    union all
    select * from rollup_snapshots
)
{%- endif %}

select
    quota_id,
    snapshot_date,
    current_value,
    {{ attainment_percent('current_value', 'target_value') }} as attainment_percent,
    target_value,
    period_id
from snapshots
