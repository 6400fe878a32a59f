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
        {{ to_local_date('closed_at') }} as closed_on,
        _malformed,
        source.* exclude (
            id, owner_id, name, amount, currency, stage, status, created_at, closed_at, updated_at,
            _malformed
        )
    from source
)

select * from renamed
