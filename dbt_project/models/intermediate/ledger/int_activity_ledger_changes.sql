{{ config(materialized='table') }}
{#- The hours of activities whose rows changed since the last complete run, and whether this run rebuilds the
    activities ledger whole (see macros/event_ledger.sql). The stored state is read by name: it is written at
    the end of the run, by int_activity_ledger_state. The raw table's column types are one of the settings: its
    ids keep the file's type (integers or text), and so do the kept duplicate ids (int_activities_duplicate_ids),
    so a source whose ids change type rebuilds the ledger. -#}
{{ event_ledger_changes(
    ref('int_activity_hour_fingerprints'),
    'int_activity_ledger_state',
    ['int_activities_duplicate_ids', 'int_activity_credits_daily', 'int_activities_rejected'],
    other_inputs=[column_types_fingerprint(source('crm', 'activities'))],
) }}
