{{ config(materialized='reusable_table') }}
{#- The leads rows summed into a fingerprint per UTC hour of created_at: compared with the last
    complete run's (int_lead_ledger_state) to find the hours whose rows changed. Reused while the raw
    table is unchanged. The columns are those the credits and the checks read. -#}
{{ event_hour_fingerprints(source('crm', 'leads'), 'created_at', ['id', 'owner_id', 'created_at', 'updated_at', '_malformed']) }}
