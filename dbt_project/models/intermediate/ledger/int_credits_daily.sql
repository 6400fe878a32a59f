{#- The ledger summed per user, day and metric key (and currency for revenue). Every period, rollup and
    snapshot is computed from this relation, never from the event rows: it is what keeps the marts cheap
    at 100M activities.

    Each source keeps its own daily table (int_deal_credits_daily, int_lead_credits_daily,
    int_activity_credits_daily), each recomputing only the dates whose rows changed (macros/event_ledger.sql).
    Their metric
    keys (revenue, deals, custom; leads; calls, meetings, emails) never overlap, so the three never share
    a row. -#}
select * from {{ ref('int_deal_credits_daily') }}
union all
select * from {{ ref('int_lead_credits_daily') }}
union all
select * from {{ ref('int_activity_credits_daily') }}
