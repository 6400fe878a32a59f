{{ config(materialized='table') }}
{#- The local dates whose leads credits and rejected rows this run computes again, with the instants
    each starts and ends at (null, with the bucket of ids: the rows without created_at). Empty on a full rebuild. -#}
{{ event_recomputed_dates(source('crm', 'leads'), 'created_at', ref('int_lead_ledger_changes'),
                           ref('int_lead_duplicate_changes')) }}
