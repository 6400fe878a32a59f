{{ config(materialized='reusable_table') }}
{#- Who hears about what: a user about their own quotas and goals; a team's manager (the user most of the
    team's members report to) about the team's; the executives (active users without a team) about the
    company's. Only users with an email address. -#}
with

users as (
    select user_id, email, team_id, manager_id
    from {{ ref('int_users_checked') }}
    where rejection_reason is null and email is not null
),

team_managers as (
    select team_id, manager_id
    from (
        select
            team_id,
            manager_id,
            row_number() over (partition by team_id order by count(*) desc, {{ id_order('manager_id') }})
                as preference
        from users
        where team_id is not null and manager_id is not null
        group by team_id, manager_id
    )
    where preference = 1
)

select 'individual' as scope_type, user_id as scope_id, email from users
union all
select 'team', team_managers.team_id, managers.email
from team_managers
inner join users as managers on managers.user_id = team_managers.manager_id
union all
select 'company', null, email from users where team_id is null
