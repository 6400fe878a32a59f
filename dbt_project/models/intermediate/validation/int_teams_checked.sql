{#- Every team row with the first contract check it fails (null when it passes). -#}
with

teams as (
    select * from {{ ref('stg_crm__teams') }}
),

duplicate_verdicts as (
    {{ duplicate_id_verdicts(ref('stg_crm__teams'), 'team_id') }}
),

team_ids as (
    select distinct team_id from teams where team_id is not null
),

checked as (
    select
        teams.*,
        case
            when teams.team_id is null then 'missing id'
            when teams._malformed is not null then 'malformed value: ' || teams._malformed
            when dup.duplicate_id is not null then {{ duplicate_id_reason() }}
            when teams.parent_team_id is not null and parent.team_id is null
                then 'unknown parent_team_id ' || teams.parent_team_id
        end as rejection_reason
    from teams
    left join duplicate_verdicts as dup on dup.duplicate_id = teams.team_id
    left join team_ids as parent on parent.team_id = teams.parent_team_id
)

select * from checked
