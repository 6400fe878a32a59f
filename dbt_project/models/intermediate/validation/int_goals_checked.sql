{#- Goals with their first failing check. Goals have no metric_field, so a custom goal cannot say what
    it counts and is rejected. -#}
with

goals as (
    select * from {{ ref('stg_quota_config__goals') }}
),

duplicate_verdicts as (
    {{ duplicate_id_verdicts(ref('stg_quota_config__goals'), 'goal_id') }}
),

valid_users as (
    select user_id from {{ ref('int_users_checked') }} where rejection_reason is null
),

valid_teams as (
    select team_id from {{ ref('int_teams_checked') }} where rejection_reason is null
),

checked as (
    select
        goals.*,
        case
            when goals.goal_id is null then 'missing id'
            when goals._malformed is not null then 'malformed value: ' || goals._malformed
            when dup.duplicate_id is not null then {{ duplicate_id_reason() }}
            when goals.goal_type is null or goals.goal_type not in ('individual', 'team', 'company')
                then 'unknown goal_type ' || coalesce(goals.goal_type, '(empty)')
            when goals.goal_type = 'individual' and valid_users.user_id is null
                then 'unknown user_id ' || coalesce(goals.user_id, '(empty)')
            when goals.goal_type = 'team' and valid_teams.team_id is null
                then 'unknown team_id ' || coalesce(goals.team_id, '(empty)')
            when goals.metric_type = 'custom' then 'custom goals are not supported: goals have no metric_field'
            when goals.metric_type is null
                or goals.metric_type not in ('revenue', 'deals', 'leads', 'calls', 'meetings', 'emails')
                then 'unknown metric_type ' || coalesce(goals.metric_type, '(empty)')
            when goals.target_value is null or goals.target_value <= 0 then 'target_value must be > 0'
            when goals.start_date is null or goals.end_date is null then 'missing start_date or end_date'
            when goals.end_date < goals.start_date then 'end_date is before start_date'
        end as rejection_reason
    from goals
    left join duplicate_verdicts as dup on dup.duplicate_id = goals.goal_id
    left join valid_users on valid_users.user_id = goals.user_id
    left join valid_teams on valid_teams.team_id = goals.team_id
)

select * from checked
