{#- One row per individual quota, ranked within its period and metric key by attainment (rounded to 2
    decimals; ties share a rank and the next rank skips), and within the user's team on the reference
    day R (D held inside the period). display_order breaks ties by value, then name, for screens that
    need one order. The rows of the leaderboard mart without D, kept by period
    (macros/kept_by_period.sql; configured for the folder in dbt_project.yml): a period's ranks change
    only when its values do. -#}
with

progress as (
    select *, {{ as_of_date() }} as as_of_date
    from {{ ref('int_quota_progress_rows') }}
    where scope_type = 'individual' and {{ period_is_refreshed('period_id') }}
),

users as (
    select user_id, user_name, team_id as users_team_id
    from {{ ref('int_users_checked') }}
    where rejection_reason is null
),

team_on_reference_day as (
    select
        progress.quota_id,
        memberships.team_id,
        row_number() over (
            partition by progress.quota_id
            order by memberships.membership_weight desc, memberships.is_users_team desc,
                {{ id_order('memberships.team_id') }}
        ) as preference
    from progress
    inner join {{ ref('int_memberships_effective') }} as memberships
        on memberships.user_id = progress.user_id
        and least(greatest(progress.as_of_date, progress.start_date), progress.end_date) >= memberships.valid_from
        and least(greatest(progress.as_of_date, progress.start_date), progress.end_date) < memberships.valid_to
),

entries as (
    select
        progress.period_id,
        progress.metric_type,
        progress.metric_field,
        progress.quota_id,
        progress.user_id,
        users.user_name,
        team_on_reference_day.team_id,
        teams.team_name,
        progress.current_value,
        progress.target_value,
        progress.attainment_percent,
        progress.current_value - progress.target_value as vs_quota,
        progress.currency,
        progress.as_of_date
    from progress
    inner join users on users.user_id = progress.user_id
    left join team_on_reference_day
        on team_on_reference_day.quota_id = progress.quota_id and team_on_reference_day.preference = 1
    left join {{ ref('int_teams_checked') }} as teams
        on teams.team_id = team_on_reference_day.team_id and teams.rejection_reason is null
)

select
    period_id,
    metric_type,
    metric_field,
    user_id,
    user_name,
    team_id,
    team_name,
    rank() over (
        partition by period_id, metric_type, metric_field order by attainment_percent desc
    ) as rank,
    case when team_id is not null then rank() over (
        partition by period_id, metric_type, metric_field, team_id order by attainment_percent desc
    ) end as team_rank,
    row_number() over (
        partition by period_id, metric_type, metric_field
        order by attainment_percent desc, current_value desc, user_name asc, {{ id_order('user_id') }}
    ) as display_order,
    current_value,
    target_value,
    attainment_percent,
    vs_quota,
    currency,
    quota_id,
    as_of_date as computed_as_of,
    '{{ invocation_id }}' as computed_by
from entries
