with

users as (
    select * from {{ ref('stg_crm__users') }}
),

duplicate_verdicts as (
    {{ duplicate_id_verdicts(ref('stg_crm__users'), 'user_id') }}
),

valid_teams as (
    select team_id from {{ ref('int_teams_checked') }} where rejection_reason is null
),

checked as (
    select
        users.*,
        case
            when users.user_id is null then 'missing id'
            when users._malformed is not null then 'malformed value: ' || users._malformed
            when dup.duplicate_id is not null then {{ duplicate_id_reason() }}
            when users.team_id is not null and valid_teams.team_id is null
                then 'unknown team_id ' || users.team_id
        end as rejection_reason
    from users
    left join duplicate_verdicts as dup on dup.duplicate_id = users.user_id
    left join valid_teams on valid_teams.team_id = users.team_id
)

select * from checked
