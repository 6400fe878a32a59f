with

source as (
    select * from {{ source('crm', 'activities') }}
),

renamed as (
    select
        id as activity_id,
        owner_id,
        lower(type) as activity_type,
        occurred_at,
        updated_at,
        {{ to_local_date('occurred_at') }} as occurred_on,
        _malformed
    from source
)

select * from renamed
