{{ config(materialized='reusable_table') }}
{#- The ledger summed per user, day and metric key (and currency for revenue). Every period, rollup and
    snapshot is computed from this table, never from the event rows: it is what keeps the marts cheap
    at 100M activities.

    Leads and activities each credit exactly 1, so their sum is their count: counting spares a DECIMAL
    addition per event (at M, ~18 s over 110M events) and gives the same number. Their metric keys (leads,
    calls, meetings, emails) are not those of deals (revenue, deals, custom), so the two aggregates never
    share a row. -#}
with

deal_credits as (
    select
        user_id,
        credit_date,
        metric_type,
        metric_field,
        currency,
        {{ exact_sum("credit_value") }} as credit_value,
        count(*) as credit_count
    from {{ ref('int_credits') }}
    where source_table = 'deals'
    group by all
),

{#- A lead's or an activity's metric field and currency are always null (int_credits), so three keys make
    the group: fewer and narrower keys for 110M events (at M 26 s -> 20 s, the same rows). -#}
counted_credits as (
    select
        user_id,
        credit_date,
        metric_type,
        cast(null as varchar) as metric_field,
        cast(null as varchar) as currency,
        cast(count(*) as decimal(38, 9)) as credit_value,
        count(*) as credit_count
    from {{ ref('int_credits') }}
    where source_table in ('leads', 'activities')
    group by user_id, credit_date, metric_type
)

select * from deal_credits
union all
select * from counted_credits
