{#- Every valid team paired with itself (depth 0) and each of its ancestors (depth = steps up).
    A team whose parent was rejected sits directly under the company; depth is capped so that a cycle
    in the source cannot loop forever. -#}
with recursive

teams as (
    select
        teams.team_id,
        case when parents.team_id is not null then teams.parent_team_id end as parent_team_id
    from {{ ref('int_teams_checked') }} as teams
    left join {{ ref('int_teams_checked') }} as parents
        on parents.team_id = teams.parent_team_id and parents.rejection_reason is null
    where teams.rejection_reason is null
),

ancestry (team_id, ancestor_team_id, depth) as (
    select team_id, team_id, 0 from teams
    union all
    select ancestry.team_id, teams.parent_team_id, ancestry.depth + 1
    from ancestry
    inner join teams on teams.team_id = ancestry.ancestor_team_id
    where teams.parent_team_id is not null and ancestry.depth < 32
)

select team_id, ancestor_team_id, depth from ancestry
