{#- The credits ledger: every qualifying event, the user it credits, its date in the company time zone,
    and its value in the event's own unit (the deal's currency for revenue). Everything downstream is
    computed from this one relation, through its daily aggregate (int_credits_daily, which sums each
    source on its own). -#}
with

lead_credits as (
    select
        'leads' as source_table,
        cast(lead_id as varchar) as source_id,
        cast(owner_id as varchar) as user_id,
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
        cast(activity_id as varchar) as source_id,
        cast(owner_id as varchar) as user_id,
        occurred_on as credit_date,
        activity_type || 's' as metric_type,
        cast(null as varchar) as metric_field,
        cast(null as varchar) as currency,
        1.0 as credit_value
    from {{ ref('int_activities_checked') }}
    where rejection_reason is null
)

select * from {{ ref('int_deal_credits') }}
union all
select * from lead_credits
union all
select * from activity_credits
