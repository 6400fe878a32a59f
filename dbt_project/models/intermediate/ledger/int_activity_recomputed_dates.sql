{{ config(materialized='table') }}
{#- The local dates whose activities credits and rejected rows this run computes again, with the instants
    each starts and ends at (null, with the bucket of ids: the rows without occurred_at). Empty on a full rebuild. -#}
{{ event_recomputed_dates(source('crm', 'activities'), 'occurred_at', ref('int_activity_ledger_changes'),
                           ref('int_activity_duplicate_changes')) }}
