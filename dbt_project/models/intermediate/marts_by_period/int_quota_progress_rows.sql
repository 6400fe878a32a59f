{#- Progress and pace of every quota as of D, the rows of the quota_progress mart without D itself (the
    mart adds it). Days are counted inclusively; before the period starts nothing has elapsed and every
    day remains. Kept by period (macros/kept_by_period.sql; configured for the folder in
    dbt_project.yml): a run computes again only the periods whose values changed or whose range is near
    D or the previous as-of date. -#}
with

quotas as (
    select * from {{ ref('int_quotas_checked') }}
    where rejection_reason is null and {{ period_is_refreshed('period_id') }}
),

values_as_of as (
    select target_id as quota_id, current_value, week_delta
    from {{ ref('int_target_values') }}
    where target_kind = 'quota' and {{ period_is_refreshed('period_id') }}
),

calendar as (
    select
        quotas.*,
        {{ as_of_date() }} as as_of_date,
        datediff('day', quotas.start_date, quotas.end_date) + 1 as days_total,
        case
            when {{ as_of_date() }} < quotas.start_date then 0
            else datediff('day', quotas.start_date, least({{ as_of_date() }}, quotas.end_date)) + 1
        end as days_elapsed,
        case
            when {{ as_of_date() }} < quotas.start_date then datediff('day', quotas.start_date, quotas.end_date) + 1
            when {{ as_of_date() }} >= quotas.end_date then 0
            else datediff('day', {{ as_of_date() }}, quotas.end_date)
        end as days_remaining
    from quotas
),

measured as (
    select
        calendar.*,
        values_as_of.current_value,
        values_as_of.week_delta,
        case
            when calendar.days_elapsed > 0
                then values_as_of.current_value / calendar.days_elapsed * calendar.days_total
        end as projected_value
    from calendar
    inner join values_as_of on values_as_of.quota_id = calendar.quota_id
)

select
    quota_id,
    current_value,
    target_value,
    {{ attainment_percent('current_value', 'target_value') }} as attainment_percent,
    days_total,
    days_elapsed,
    days_remaining,
    week_delta,
    case
        when days_remaining > 0 then greatest(target_value - current_value, 0) / days_remaining
    end as required_daily_pace,
    projected_value,
    case
        when as_of_date < start_date then 'not_started'
        when {{ reaches_target('current_value', 'target_value') }} then 'achieved'
        when as_of_date > end_date then 'missed'
        when {{ reaches_target('projected_value', 'target_value') }} then 'on_track'
        when {{ reaches_target('projected_value', '0.9 * target_value') }} then 'at_risk'
        else 'behind'
    end as pace_status,
    period_id,
    scope_type,
    user_id,
    scope_team_id as team_id,
    metric_type,
    metric_field,
    currency,
    start_date,
    end_date,
    as_of_date as computed_as_of,
    '{{ invocation_id }}' as computed_by
from measured
