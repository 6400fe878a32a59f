{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'credit_date', record_rewritten_dates=true) }}"),
) }}
{#- The activities credits counted per user, day and metric: each valid row credits exactly 1, so the sum is
    the count. Incremental on dates: only the dates of int_activity_recomputed_dates are counted again. The
    owners are grouped in their raw type and given their text after, once per group (11M at M, not 100M). -#}
select
    cast(owner_id as varchar) as user_id,
    occurred_on as credit_date,
    activity_type || 's' as metric_type,
    cast(null as varchar) as metric_field,
    cast(null as varchar) as currency,
    cast(count(*) as decimal(38, 9)) as credit_value,
    count(*) as credit_count
from {{ ref('int_activities_checked') }}
where rejection_reason is null
    and {{ event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'occurred_at', 'occurred_on') }}
group by owner_id, occurred_on, activity_type || 's'
{{ in_date_order('occurred_on', ledger_changes=ref('int_activity_ledger_changes')) }}
