{{ config(materialized='table') }}
{#- The ledger summed per user, day and metric key (and currency for revenue). Every period, rollup and
    snapshot is computed from this table, never from the event rows: it is what keeps the marts cheap
    at 100M activities. -#}
select
    user_id,
    credit_date,
    metric_type,
    metric_field,
    currency,
    {{ exact_sum("credit_value") }} as credit_value,
    count(*) as credit_count
from {{ ref('int_credits') }}
group by all
