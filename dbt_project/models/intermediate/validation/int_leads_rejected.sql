{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_lead_ledger_changes'), ref('int_lead_recomputed_dates'), 'created_on', 'source_id') }}"),
) }}
{#- The leads rows set aside, with the first check each failed, for the quarantine. Incremental on the
    rows' local dates like the credits (null: rows without created_at, by bucket of their id); only the
    rejected rows are dated (macros/rejected_rows.sql). -#}
{{ rejected_event_rows(
    ref('int_lead_verdicts'), 'lead_id', 'created_at', 'created_on',
    ref('int_lead_ledger_changes'), ref('int_lead_recomputed_dates')) }}
