{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'occurred_on', 'source_id') }}"),
) }}
{#- The activities rows set aside, with the first check each failed, for the quarantine. Incremental on the
    rows' local dates like the credits (null: rows without occurred_at, by bucket of their id). -#}
select
    cast(activity_id as varchar) as source_id,
    rejection_reason as reason,
    occurred_on
from {{ ref('int_activities_checked') }}
where rejection_reason is not null
    and {{ event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'occurred_at', 'occurred_on', undated_id_column='activity_id') }}
