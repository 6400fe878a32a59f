with

rates as (
    select * from {{ ref('stg_crm__fx_rates') }}
),

duplicate_verdicts as (
    {{ duplicate_id_verdicts(ref('stg_crm__fx_rates'), 'fx_rate_id') }}
),

checked as (
    select
        rates.*,
        case
            when rates._malformed is not null then 'malformed value: ' || rates._malformed
            when rates.currency is null or rates.rate_date is null then 'missing currency or rate_date'
            when rates.rate_to_usd is null or rates.rate_to_usd <= 0 then 'rate_to_usd must be positive'
            when dup.duplicate_id is not null then 'duplicate rate: several rows for this currency and date'
        end as rejection_reason
    from rates
    left join duplicate_verdicts as dup on dup.duplicate_id = rates.fx_rate_id
)

select * from checked
