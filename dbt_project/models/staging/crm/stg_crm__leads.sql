with

source as (
    select * from {{ source('crm', 'leads') }}
),

renamed as (
    select
        id as lead_id,
        owner_id,
        status as lead_status,
        created_at,
        updated_at,
        {{ to_local_date('created_at') }} as created_on,
        _malformed
    from source
)

select * from renamed
