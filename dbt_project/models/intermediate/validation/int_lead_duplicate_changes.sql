{{ config(
    materialized='table',
    pre_hook="{{ invalidate_event_ledger_state('int_lead_ledger_state') }}",
) }}
{#- The leads ids whose duplicate verdict this run computes again (those with a row in a changed hour,
    and the known duplicates), and whether it changed. Empty on a full rebuild. -#}
{{ event_duplicate_changes(source('crm', 'leads'), 'created_at', ref('int_lead_ledger_changes'),
                            'int_leads_duplicate_ids') }}
