{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_lead_ledger_changes'), ref('int_lead_recomputed_dates'), 'created_on', 'source_id') }}"),
) }}
{#- The leads rows set aside, with the first check each failed, for the quarantine. Incremental on the
    rows' local dates like the credits (null: rows without created_at, by bucket of their id). -#}
select
    cast(lead_id as varchar) as source_id,
    rejection_reason as reason,
    created_on
from {{ ref('int_leads_checked') }}
where rejection_reason is not null
    and {{ event_rows_to_recompute(ref('int_lead_ledger_changes'), ref('int_lead_recomputed_dates'), 'created_at', 'created_on', undated_id_column='lead_id') }}
