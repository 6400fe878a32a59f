with

source as (
    select * from {{ source('crm', 'team_memberships') }}
),

renamed as (
    select
        user_id || '|' || coalesce(team_id, '') || '|' || coalesce(cast(valid_from as varchar), '')
            as membership_id,
        user_id,
        team_id,
        valid_from,
        valid_to,
        coalesce(weight, 1.0) as membership_weight,
        _malformed
    from source
)

select * from renamed
