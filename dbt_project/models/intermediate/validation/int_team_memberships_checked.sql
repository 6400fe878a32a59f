with

memberships as (
    select * from {{ ref('stg_crm__team_memberships') }}
),

valid_users as (
    select user_id from {{ ref('int_users_checked') }} where rejection_reason is null
),

valid_teams as (
    select team_id from {{ ref('int_teams_checked') }} where rejection_reason is null
),

checked as (
    select
        memberships.*,
        case
            when memberships._malformed is not null then 'malformed value: ' || memberships._malformed
            when valid_users.user_id is null then 'unknown user_id ' || coalesce(memberships.user_id, '(empty)')
            when valid_teams.team_id is null then 'unknown team_id ' || coalesce(memberships.team_id, '(empty)')
            when memberships.valid_to <= memberships.valid_from then 'valid_to is not after valid_from'
            when memberships.membership_weight <= 0 then 'weight must be positive'
        end as rejection_reason
    from memberships
    left join valid_users on valid_users.user_id = memberships.user_id
    left join valid_teams on valid_teams.team_id = memberships.team_id
)

select * from checked
