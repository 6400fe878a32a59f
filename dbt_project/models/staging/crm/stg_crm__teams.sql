with

source as (
    select * from {{ source('crm', 'teams') }}
),

renamed as (
    select
        id as team_id,
        name as team_name,
        parent_team_id,
        _malformed
    from source
)

select * from renamed
