{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['target_kind', 'target_id'],
    on_schema_change='sync_all_columns',
    pre_hook="{% if is_incremental() %}{{ delete_withdrawn_targets() }}{% endif %}",
    post_hook="{{ store_valuation_basis() }}",
) }}
{#- Every target's value as of D and over the week to D. Only days on or before D count, and only days
    inside the target's range. An individual target's value is a difference of its series' running totals
    (on min(D, end) and on the day before its start); a team's or the company's is a sum of its daily values
    (which hold nothing outside the range). A table: quota_progress and goals both read it, and each read of
    a view would sort every running total again (at M about 3 s per read).

    Incremental (macros/valuation.sql): a run values again only the targets whose range is near the new or
    the previous as-of date or holds a credit date that changed; every other target's value is the same
    as of either date, and is kept. The rows of the targets valued again replace theirs (delete+insert on
    the target's key: their old values are still there to be read while the new ones are computed). A
    withdrawn target's value is deleted. An individual target valued again is, when the run can
    (`adds_series_changes`), its kept value plus the run's changes to its series' days and the days since
    the previous as-of date, rather than looked up in the running totals. -#}
{%- set basis = valuation_basis() %}
{%- set adds_changes = adds_series_changes(basis) %}
-- depends_on: {{ ref('int_ledger_changed_dates') }}
-- depends_on: {{ ref('int_series_daily_value_changes') }}
with

stale_targets as (
    {{ targets_to_revalue() }}
),

individual_targets as (
    select
        *,
        least({{ as_of_date() }}, end_date) as value_through,
        least({{ as_of_date() }} - 7, end_date) as week_before_through
    from {{ ref('int_individual_targets') }}
    semi join stale_targets using (target_kind, target_id)
),

{%- if adds_changes %}
{%- set previous_as_of = "date '" ~ basis.as_of_date ~ "'" %}

{#- The differences this run made to each target's series on its days up to the previous as-of date. -#}
changed_sums as (
    select
        targets.target_kind,
        targets.target_id,
        sum(coalesce(changes.daily_value, 0) - coalesce(changes.previous_value, 0)) as value_change
    from individual_targets as targets
    inner join {{ ref('int_series_daily_value_changes') }} as changes
        on changes.series_id = targets.series_id
        and changes.credit_date between targets.start_date and least(targets.end_date, {{ previous_as_of }})
    group by all
),

{#- The days since the previous as-of date, and the week to D: a few days, found by their dates. -#}
recent_sums as (
    select
        targets.target_kind,
        targets.target_id,
        sum(recent.daily_value) filter (where recent.credit_date > {{ previous_as_of }}) as value_added,
        sum(recent.daily_value) filter (where recent.credit_date > {{ as_of_date() }} - 7) as week_delta
    from individual_targets as targets
    inner join {{ ref('int_series_daily_values') }} as recent
        on recent.series_id = targets.series_id
        and recent.credit_date between targets.start_date and targets.end_date
    where recent.credit_date > least({{ previous_as_of }}, {{ as_of_date() }} - 7)
        and recent.credit_date <= {{ as_of_date() }}
    group by all
),

individual_values as (
    select
        targets.target_kind,
        targets.target_id,
        coalesce(previous.current_value, 0) + coalesce(changed.value_change, 0) + coalesce(recent.value_added, 0)
            as current_value,
        coalesce(recent.week_delta, 0) as week_delta
    from individual_targets as targets
    left join {{ this }} as previous using (target_kind, target_id)
    left join changed_sums as changed using (target_kind, target_id)
    left join recent_sums as recent using (target_kind, target_id)
),
{%- else %}

{#- The three running totals each individual target needs, looked up in one pass. Only their differences
    are used, so they count from the first lookup day on (`relative`). -#}
lookups as (
    select target_kind, target_id, series_id, 'before_start' as point,
        cast(start_date - interval 1 day as date) as lookup_day
    from individual_targets
    union all
    select target_kind, target_id, series_id, 'as_of', value_through
    from individual_targets
    where value_through >= start_date
    union all
    select target_kind, target_id, series_id, 'week_before', week_before_through
    from individual_targets
    where week_before_through >= start_date
),

looked_up as (
    {{ running_totals_at('lookups', relative=true) }}
),

individual_totals as (
    select
        target_kind,
        target_id,
        any_value(running_total) filter (where point = 'before_start') as before_start,
        any_value(running_total) filter (where point = 'as_of') as through_as_of,
        any_value(running_total) filter (where point = 'week_before') as through_week_before
    from looked_up
    group by all
),

{#- A range that has not started by the day is worth 0 on that day. -#}
individual_values as (
    select
        target_kind,
        target_id,
        coalesce(through_as_of - before_start, 0) as current_value,
        coalesce(through_as_of - before_start, 0) - coalesce(through_week_before - before_start, 0) as week_delta
    from individual_totals
),
{%- endif %}

stale_rollup_targets as (
    select targets.*
    from {{ ref('int_targets') }} as targets
    semi join stale_targets using (target_kind, target_id)
    where targets.scope_type in ('team', 'company')
),

{#- The days a team's or the company's value can read: from the first start of a stale target of theirs
    to D (a daily run at M revalues this year's targets: 10.5M daily values scanned -> ~3M). -#}
rollup_days as (
    {{ days_to_as_of('start_date', 'stale_rollup_targets') }}
),

rollup_values as (
    select
        daily.target_kind,
        daily.target_id,
        sum(daily.daily_value) as current_value,
        sum(daily.daily_value) filter (where daily.credit_date > {{ as_of_date() }} - 7) as week_delta
    from {{ ref('int_rollup_target_daily_values') }} as daily
    semi join rollup_days using (credit_date)
    semi join stale_targets using (target_kind, target_id)
    group by all
),

values_as_of as (
    select * from individual_values
    union all
    select * from rollup_values
)

select
    targets.target_kind,
    targets.target_id,
    coalesce(values_as_of.current_value, 0) as current_value,
    coalesce(values_as_of.week_delta, 0) as week_delta,
    {{ as_of_date() }} as valued_as_of,
    targets.period_id
from {{ ref('int_targets') }} as targets
semi join stale_targets using (target_kind, target_id)
left join values_as_of
    on values_as_of.target_kind = targets.target_kind and values_as_of.target_id = targets.target_id
