{#- Milestones on the way to a goal: reached on the first day the goal's cumulative value met the
    milestone's target; overdue when that came after its target date, or has not come and the date passed. -#}
with

milestones as (
    select * from {{ ref('int_goal_milestones_checked') }} where rejection_reason is null
),

reached as (
    select milestones.milestone_id, min(cumulative.credit_date) as achieved_at
    from milestones
    inner join {{ ref('int_goal_running_totals') }} as cumulative
        on cumulative.goal_id = milestones.goal_id
        and {{ reaches_target('cumulative.value_to_date', 'milestones.target_value') }}
    group by milestones.milestone_id
)

select
    milestones.milestone_id as id,
    milestones.goal_id,
    milestones.milestone_name as name,
    milestones.target_value,
    milestones.target_date,
    milestones.display_order,
    reached.achieved_at is not null as is_achieved,
    reached.achieved_at,
    case
        when reached.achieved_at is not null then reached.achieved_at > milestones.target_date
        else milestones.target_date < {{ as_of_date() }}
    end as is_overdue,
    {{ as_of_date() }} as as_of_date
from milestones
inner join {{ ref('goals') }} as goals on goals.id = milestones.goal_id
left join reached on reached.milestone_id = milestones.milestone_id
