{#- The credits ledger: every qualifying event, the user it credits, its date in the company time zone,
    and its value in the event's own unit (deal currency for revenue). Everything else is computed from
    this one relation (through its daily aggregate). Custom metrics get one row per numeric deal column. -#}
with

won_deals as (
    select *
    from {{ ref('int_deals_checked') }}
    where rejection_reason is null and status = 'won'
),

shares as (
    select * from {{ ref('int_deal_credit_shares') }}
),

deal_credits as (
    select
        'deals' as source_table,
        won_deals.deal_id as source_id,
        shares.user_id,
        won_deals.closed_on as credit_date,
        metrics.metric_type,
        metrics.metric_field,
        metrics.currency,
        metrics.credit_value * shares.credit_share as credit_value
    from won_deals
    inner join shares on shares.deal_id = won_deals.deal_id
    cross join lateral (
        values
            ('revenue', cast(null as varchar), won_deals.currency, won_deals.amount),
            ('deals', cast(null as varchar), cast(null as varchar), 1.0)
            {%- for column in numeric_deal_columns() %},
            ('custom', '{{ column }}', cast(null as varchar), cast(won_deals."{{ column }}" as double))
            {%- endfor %}
    ) as metrics (metric_type, metric_field, currency, credit_value)
    where metrics.credit_value is not null
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

select * from deal_credits
union all
select * from lead_credits
union all
select * from activity_credits
