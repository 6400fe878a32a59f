{#- The leads with their local date. `lead_id` and `owner_id` keep the raw table's type, like the
    activities' (see stg_crm__activities). -#}
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
        {{ local_date_from_join('source.created_at', 'local_hour') }} as created_on,
        _malformed
    from source
    {{ local_date_join('source.created_at', 'local_hour') }}
)

select * from renamed
