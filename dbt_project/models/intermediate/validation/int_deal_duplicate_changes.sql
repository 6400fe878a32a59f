{{ config(
    materialized='table',
    pre_hook="{{ invalidate_event_ledger_state('int_deal_ledger_state') }}",
) }}
{#- The deal ids whose duplicate verdict this run computes again (those with a row in a changed hour, and
    the known duplicates), and whether it changed. Empty on a full rebuild. -#}
{{ event_duplicate_changes(source('crm', 'deals'), 'closed_at', ref('int_deal_ledger_changes'),
                            'int_deals_duplicate_ids') }}
