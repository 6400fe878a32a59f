{#- The deals' part of the credits ledger: every won deal's revenue, count and custom-field credits, per credited
    user (the split share), dated in the company time zone, valued in the deal's own unit. -#}
with

won_deals as (
    select deal_id, closed_on, currency, amount
    from {{ ref('int_deals_checked') }}
    where rejection_reason is null and status = 'won'
),

shares as (
    select * from {{ ref('int_deal_credit_shares') }}
),

revenue_credits as (
    select
        'deals' as source_table,
        cast(won_deals.deal_id as varchar) as source_id,
        shares.user_id,
        won_deals.closed_on as credit_date,
        'revenue' as metric_type,
        cast(null as varchar) as metric_field,
        won_deals.currency,
        won_deals.amount * shares.credit_share as credit_value
    from won_deals
    inner join shares on shares.deal_id = won_deals.deal_id
),

deal_count_credits as (
    select
        'deals' as source_table,
        cast(won_deals.deal_id as varchar) as source_id,
        shares.user_id,
        won_deals.closed_on as credit_date,
        'deals' as metric_type,
        cast(null as varchar) as metric_field,
        cast(null as varchar) as currency,
        shares.credit_share as credit_value
    from won_deals
    inner join shares on shares.deal_id = won_deals.deal_id
),

custom_credits as (
    select
        'deals' as source_table,
        cast(won_deals.deal_id as varchar) as source_id,
        shares.user_id,
        won_deals.closed_on as credit_date,
        'custom' as metric_type,
        custom_values.metric_field,
        cast(null as varchar) as currency,
        custom_values.custom_value * shares.credit_share as credit_value
    from won_deals
    inner join shares on shares.deal_id = won_deals.deal_id
    inner join {{ ref('int_deal_custom_values') }} as custom_values on custom_values.deal_id = won_deals.deal_id
)

select * from revenue_credits
union all
select * from deal_count_credits
union all
select * from custom_credits
