{{ config(materialized='reusable_table') }}
{#- The activities rows summed into a fingerprint per UTC hour of occurred_at: compared with the last
    complete run's (int_activity_ledger_state) to find the hours whose rows changed. Reused while the raw
    table is unchanged. The columns are those the credits and the checks read. -#}
{{ event_hour_fingerprints(source('crm', 'activities'), 'occurred_at', ['id', 'owner_id', 'type', 'occurred_at', 'updated_at', '_malformed']) }}
