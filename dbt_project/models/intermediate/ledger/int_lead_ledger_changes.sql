{{ config(materialized='table') }}
{#- The hours of leads whose rows changed since the last complete run, and whether this run rebuilds the
    leads ledger whole (see macros/event_ledger.sql). The stored state is read by name: it is written at
    the end of the run, by int_lead_ledger_state. The raw table's column types are one of the settings: its
    ids keep the file's type (integers or text), and so do the kept duplicate ids (int_leads_duplicate_ids),
    so a source whose ids change type rebuilds the ledger. -#}
{{ event_ledger_changes(
    ref('int_lead_hour_fingerprints'),
    'int_lead_ledger_state',
    ['int_leads_duplicate_ids', 'int_lead_credits_daily', 'int_leads_rejected'],
    other_inputs=[column_types_fingerprint(source('crm', 'leads'))],
) }}
