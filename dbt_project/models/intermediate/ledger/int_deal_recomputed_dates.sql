{{ config(materialized='table') }}
{#- The local dates whose checked deals and deal credits this run computes again, with the instants each
    starts and ends at (null, with the bucket of ids: the deals without closed_at). Empty on a full rebuild. -#}
{{ event_recomputed_dates(source('crm', 'deals'), 'closed_at', ref('int_deal_ledger_changes'),
                           ref('int_deal_duplicate_changes')) }}
