{#- Who belongs to which team on which day. A user's valid membership rows rule; a user with none
    belongs to users.team_id (weight 1) for all time. valid_to is exclusive; open ends become far dates
    so that "in force on day d" is always `valid_from <= d and d < valid_to`. -#}
with

users as (
    select user_id, team_id from {{ ref('int_users_checked') }} where rejection_reason is null
),

membership_rows as (
    select user_id, team_id, valid_from, valid_to, membership_weight
    from {{ ref('int_team_memberships_checked') }}
    where rejection_reason is null
),

users_without_rows as (
    select users.user_id, users.team_id
    from users
    where users.team_id is not null
        and not exists (select 1 from membership_rows where membership_rows.user_id = users.user_id)
),

effective as (
    select
        membership_rows.user_id,
        membership_rows.team_id,
        coalesce(membership_rows.valid_from, date '1900-01-01') as valid_from,
        coalesce(membership_rows.valid_to, date '9999-12-31') as valid_to,
        membership_rows.membership_weight,
        membership_rows.team_id = users.team_id as is_users_team
    from membership_rows
    inner join users on users.user_id = membership_rows.user_id

    union all

    select
        user_id,
        team_id,
        date '1900-01-01' as valid_from,
        date '9999-12-31' as valid_to,
        1.0 as membership_weight,
        true as is_users_team
    from users_without_rows
)

select * from effective
