with

source as (
    select * from {{ source('quota_config', 'goal_milestones') }}
),

renamed as (
    select
        id as milestone_id,
        goal_id,
        name as milestone_name,
        target_value,
        target_date,
        display_order,
        _malformed
    from source
)

select * from renamed
