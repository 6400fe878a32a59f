with

source as (
    select * from {{ source('crm', 'fx_rates') }}
),

renamed as (
    select
        upper(currency) || '|' || coalesce(cast(rate_date as varchar), '') as fx_rate_id,
        upper(currency) as currency,
        rate_date,
        rate_to_usd,
        _malformed
    from source
)

select * from renamed
