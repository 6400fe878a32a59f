{{ config(materialized='reusable_table') }}
{#- The deals' rows (every column, the custom fields too) summed into a fingerprint per UTC hour of
    closed_at (deals not closed: per bucket of ids): compared with the last complete run's (int_deal_ledger_state) to
    find the hours whose rows changed. Reused while the raw table is unchanged. -#}
{{ event_hour_fingerprints(source('crm', 'deals'), 'closed_at', ['event_rows']) }}
