{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_deal_ledger_changes'), ref('int_deal_recomputed_dates'), 'credit_date', record_rewritten_dates=true) }}"),
) }}
{#- The deals' credits summed per user, day and metric key (and currency for revenue). Incremental on the
    close dates of int_deal_recomputed_dates; a change to the splits, the users or the rates recomputes
    every date. -#}
select
    user_id,
    credit_date,
    metric_type,
    metric_field,
    currency,
    {{ exact_sum("credit_value") }} as credit_value,
    count(*) as credit_count
from {{ ref('int_deal_credits') }}
where {{ event_dates_to_recompute(ref('int_deal_ledger_changes'), ref('int_deal_recomputed_dates'), 'credit_date') }}
group by all
{{ in_date_order('credit_date', ledger_changes=ref('int_deal_ledger_changes')) }}
