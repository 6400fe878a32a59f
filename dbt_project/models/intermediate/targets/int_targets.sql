{{ config(materialized='reusable_table') }}
{#- Quotas and goals are both targets: a scope (a user, a team, the company) is to reach a value of a
    metric within a date range. A quota's range is its period; a goal's is its own. Each target belongs to
    a context (the range and metric key), the unit in which weights, currencies and rollups are defined.
    Goals are in the reporting currency and have no metric_field. A reusable table, read by most of the
    target models. -#}
with

quotas as (
    select
        'quota' as target_kind,
        quota_id as target_id,
        'period:' || period_id as context_id,
        period_id,
        start_date,
        end_date,
        metric_type,
        metric_field,
        scope_type,
        case scope_type when 'individual' then user_id when 'team' then scope_team_id end as scope_id,
        target_value,
        currency,
        weight
    from {{ ref('int_quotas_checked') }}
    where rejection_reason is null
),

goals as (
    select
        'goal' as target_kind,
        goal_id as target_id,
        'goal:' || cast(start_date as varchar) || '/' || cast(end_date as varchar) as context_id,
        cast(null as varchar) as period_id,
        start_date,
        end_date,
        metric_type,
        cast(null as varchar) as metric_field,
        goal_type as scope_type,
        case goal_type when 'individual' then user_id when 'team' then team_id end as scope_id,
        target_value,
        {{ reporting_currency() }} as currency,
        weight
    from {{ ref('int_goals_checked') }}
    where rejection_reason is null
)

select * from quotas
union all
select * from goals
