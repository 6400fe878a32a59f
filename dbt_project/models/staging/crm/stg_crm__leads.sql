{#- The leads as the CRM gives them, renamed. `lead_id` and `owner_id` keep the raw table's type, like the
    activities' (see stg_crm__activities, also for why the local date is added after the checks, by
    int_leads_checked). -#}
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
        _malformed
    from source
)

select * from renamed
