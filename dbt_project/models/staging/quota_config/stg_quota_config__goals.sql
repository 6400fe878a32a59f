with

source as (
    select * from {{ source('quota_config', 'goals') }}
),

renamed as (
    select
        id as goal_id,
        name as goal_name,
        description,
        lower(goal_type) as goal_type,
        user_id,
        team_id,
        lower(metric_type) as metric_type,
        target_value,
        start_date,
        end_date,
        coalesce(weight, 1.0) as weight,
        _malformed
    from source
)

select * from renamed
