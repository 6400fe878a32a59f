{{ config(materialized='table') }}
{#- The hours of activities whose rows changed since the last complete run, and whether this run rebuilds the
    activities ledger whole (see macros/event_ledger.sql). The stored state is read by name: it is written at
    the end of the run, by int_activity_ledger_state. -#}
{{ event_ledger_changes(
    ref('int_activity_hour_fingerprints'),
    'int_activity_ledger_state',
    ['int_activities_duplicate_ids', 'int_activity_credits_daily', 'int_activities_rejected'],
) }}
