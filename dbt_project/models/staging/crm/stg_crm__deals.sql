{#- Deals keep every extra column of the source (the custom fields) after the contract's columns. -#}
with

source as (
    select * from {{ source('crm', 'deals') }}
),

renamed as (
    select
        id as deal_id,
        owner_id,
        name as deal_name,
        amount,
        upper(currency) as currency,
        stage,
        lower(status) as status,
        created_at,
        closed_at,
        updated_at,
        {{ local_date_from_join('source.closed_at', 'local_hour') }} as closed_on,
        _malformed,
        source.* exclude (
            id, owner_id, name, amount, currency, stage, status, created_at, closed_at, updated_at,
            _malformed
        )
    from source
    {{ local_date_join('source.closed_at', 'local_hour') }}
)

select * from renamed
