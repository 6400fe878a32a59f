{#- The credits ledger: every qualifying event, the user it credits, its date in the company time zone,
    and its value in the event's own unit (the deal's currency for revenue). Everything downstream is
    computed from this one relation, through its daily aggregate. -#}
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
        won_deals.deal_id as source_id,
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
        won_deals.deal_id as source_id,
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
        won_deals.deal_id as source_id,
        shares.user_id,
        won_deals.closed_on as credit_date,
        'custom' as metric_type,
        custom_values.metric_field,
        cast(null as varchar) as currency,
        custom_values.custom_value * shares.credit_share as credit_value
    from won_deals
    inner join shares on shares.deal_id = won_deals.deal_id
    inner join {{ ref('int_deal_custom_values') }} as custom_values on custom_values.deal_id = won_deals.deal_id
),

lead_credits as (
    select
        'leads' as source_table,
        lead_id as source_id,
        owner_id as user_id,
        created_on as credit_date,
        'leads' as metric_type,
        cast(null as varchar) as metric_field,
        cast(null as varchar) as currency,
        1.0 as credit_value
    from {{ ref('int_leads_checked') }}
    where rejection_reason is null
),

activity_credits as (
    select
        'activities' as source_table,
        activity_id as source_id,
        owner_id as user_id,
        occurred_on as credit_date,
        activity_type || 's' as metric_type,
        cast(null as varchar) as metric_field,
        cast(null as varchar) as currency,
        1.0 as credit_value
    from {{ ref('int_activities_checked') }}
    where rejection_reason is null
)

select * from revenue_credits
union all
select * from deal_count_credits
union all
select * from custom_credits
union all
select * from lead_credits
union all
select * from activity_credits
