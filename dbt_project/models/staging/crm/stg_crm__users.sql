with

source as (
    select * from {{ source('crm', 'users') }}
),

renamed as (
    select
        id as user_id,
        name as user_name,
        email,
        team_id,
        manager_id,
        is_active,
        hired_at,
        _malformed
    from source
)

select * from renamed
