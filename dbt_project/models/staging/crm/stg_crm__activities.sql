{#- The activities with their local date. `activity_id` and `owner_id` keep the raw table's type: integers
    when the file stores them so (the contract's `integers_kept`, orchestration/source_contract.py), else
    text. Readers compare them within this table as they are and cast them where they meet text ids. -#}
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
