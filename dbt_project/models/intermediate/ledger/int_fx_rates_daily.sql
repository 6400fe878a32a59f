{{ config(materialized='reusable_table') }}
{#- The USD rate in force on every day that any quota period or goal covers, for every currency with rates plus USD
    and the reporting currency: the latest valid rate on or before the day. USD and the reporting currency
    default to 1.0 when the source has no rate for them. Conversions become plain equality joins. -#}
with

valid_rates as (
    select currency, rate_date, rate_to_usd
    from {{ ref('int_fx_rates_checked') }}
    where rejection_reason is null
),

currencies as (
    select distinct currency from valid_rates
    union
    select 'USD'
    union
    select {{ reporting_currency() }}
),

period_range as (
    select min(start_date) as first_day, max(end_date) as last_day
    from {{ ref('int_target_contexts') }}
),

days as (
    select cast(day as date) as rate_date
    from period_range, generate_series(period_range.first_day, period_range.last_day, interval 1 day) as days (day)
),

currency_days as (
    select currencies.currency, days.rate_date from currencies cross join days
),

rates_in_force as (
    select
        currency_days.currency,
        currency_days.rate_date,
        valid_rates.rate_to_usd
    from currency_days
    asof left join valid_rates
        on valid_rates.currency = currency_days.currency
        and currency_days.rate_date >= valid_rates.rate_date
)

select
    currency,
    rate_date,
    case
        when rate_to_usd is not null then rate_to_usd
        when currency in ('USD', {{ reporting_currency() }}) then 1.0
    end as rate_to_usd
from rates_in_force
