with

milestones as (
    select * from {{ ref('stg_quota_config__goal_milestones') }}
),

duplicate_verdicts as (
    {{ duplicate_id_verdicts(ref('stg_quota_config__goal_milestones'), 'milestone_id') }}
),

valid_goals as (
    select goal_id from {{ ref('int_goals_checked') }} where rejection_reason is null
),

checked as (
    select
        milestones.*,
        case
            when milestones.milestone_id is null then 'missing id'
            when milestones._malformed is not null then 'malformed value: ' || milestones._malformed
            when dup.duplicate_id is not null then {{ duplicate_id_reason() }}
            when valid_goals.goal_id is null then 'unknown goal_id ' || coalesce(milestones.goal_id, '(empty)')
            when milestones.target_value is null or milestones.target_value <= 0 then 'target_value must be > 0'
        end as rejection_reason
    from milestones
    left join duplicate_verdicts as dup on dup.duplicate_id = milestones.milestone_id
    left join valid_goals on valid_goals.goal_id = milestones.goal_id
)

select * from checked
