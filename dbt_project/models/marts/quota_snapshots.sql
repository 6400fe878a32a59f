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
    )
}}

-- depends_on: {{ ref('int_target_daily_values') }}
-- depends_on: {{ ref('int_target_cumulative_values') }}

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
        quotas.target_value,
        window_days.snapshot_date
    from {{ ref('int_quotas_checked') }} as quotas
    inner join window_days
        on window_days.snapshot_date between quotas.start_date and quotas.end_date
    where quotas.rejection_reason is null
),

{#- A window of one day (every daily run) needs each quota's total up to that day: one aggregate. A longer
    window (a backfill) reads the running totals, one lookup per quota and day. Both are exact DECIMAL sums
    of the same daily values, so they agree to the last digit. #}
{%- if snapshot_window_start() == snapshot_window_end() %}

totals as (
    select target_id as quota_id, sum(daily_value) as value_to_date
    from {{ ref('int_target_daily_values') }}
    where target_kind = 'quota' and credit_date <= {{ snapshot_window_end() }}
    group by target_id
),

snapshots as (
    select
        quota_days.quota_id,
        quota_days.snapshot_date,
        coalesce(totals.value_to_date, 0) as current_value,
        quota_days.target_value,
        quota_days.period_id
    from quota_days
    left join totals on totals.quota_id = quota_days.quota_id
)
{%- else %}

cumulative as (
    select target_id as quota_id, credit_date, value_to_date
    from {{ ref('int_target_cumulative_values') }}
    where target_kind = 'quota' and credit_date <= {{ snapshot_window_end() }}
),

snapshots as (
    select
        quota_days.quota_id,
        quota_days.snapshot_date,
        coalesce(cumulative.value_to_date, 0) as current_value,
        quota_days.target_value,
        quota_days.period_id
    from quota_days
    asof left join cumulative
        on cumulative.quota_id = quota_days.quota_id
        and quota_days.snapshot_date >= cumulative.credit_date
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
