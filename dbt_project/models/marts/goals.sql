{#- Goals as configured, with their value as of D, and the day each was reached: the first day its
    cumulative value met the target, not the day a run noticed it. -#}
with

goals as (
    select * from {{ ref('int_goals_checked') }} where rejection_reason is null
),

values_as_of as (
    select target_id as goal_id, current_value
    from {{ ref('int_target_values') }}
    where target_kind = 'goal'
),

reached as (
    select cumulative.goal_id, min(cumulative.credit_date) as achieved_at
    from {{ ref('int_goal_running_totals') }} as cumulative
    inner join goals on goals.goal_id = cumulative.goal_id
    where {{ reaches_target('cumulative.value_to_date', 'goals.target_value') }}
    group by cumulative.goal_id
)

select
    goals.goal_id as id,
    goals.goal_name as name,
    goals.description,
    goals.goal_type,
    goals.user_id,
    goals.team_id,
    goals.metric_type,
    goals.target_value,
    goals.start_date,
    goals.end_date,
    goals.weight,
    values_as_of.current_value,
    {{ attainment_percent('values_as_of.current_value', 'goals.target_value') }} as attainment_percent,
    case
        when reached.achieved_at is not null then 'achieved'
        when goals.end_date < {{ as_of_date() }} then 'missed'
        else 'in_progress'
    end as status,
    reached.achieved_at,
    {{ reporting_currency() }} as currency,
    {{ as_of_date() }} as as_of_date
from goals
inner join values_as_of on values_as_of.goal_id = goals.goal_id
left join reached on reached.goal_id = goals.goal_id
