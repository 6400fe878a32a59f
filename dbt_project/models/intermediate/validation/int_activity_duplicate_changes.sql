{{ config(
    materialized='table',
    pre_hook="{{ invalidate_event_ledger_state('int_activity_ledger_state') }}",
) }}
{#- The activities ids whose duplicate verdict this run computes again (those with a row in a changed hour,
    and the known duplicates), and whether it changed. Empty on a full rebuild. -#}
{{ event_duplicate_changes(source('crm', 'activities'), 'occurred_at', ref('int_activity_ledger_changes'),
                            'int_activities_duplicate_ids') }}
