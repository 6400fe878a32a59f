with

source as (
    select * from {{ source('crm', 'deal_splits') }}
),

renamed as (
    select
        deal_id || '|' || coalesce(user_id, '') as split_id,
        deal_id,
        user_id,
        percent as split_percent,
        _malformed
    from source
)

select * from renamed
