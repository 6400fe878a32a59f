{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'occurred_on', 'source_id') }}"),
) }}
{#- The activities rows set aside, with the first check each failed, for the quarantine. Incremental on the
    rows' local dates like the credits (null: rows without occurred_at, by bucket of their id); only the
    rejected rows are dated (macros/rejected_rows.sql). -#}
{{ rejected_event_rows(
    ref('int_activity_verdicts'), 'activity_id', 'occurred_at', 'occurred_on',
    ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates')) }}
