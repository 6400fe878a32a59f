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
        {{ local_date_from_join('source.occurred_at', 'local_hour') }} as occurred_on,
        _malformed
    from source
    {{ local_date_join('source.occurred_at', 'local_hour') }}
)

select * from renamed
