{{ config(
    materialized='table',
    post_hook="{{ consume_rewritten_credit_dates(ref('int_ledger_changed_dates')) }}",
) }}
{#- The fingerprints of this run's ledger dates and other inputs (credit_date null), stored once the daily
    values are written, for the next run's int_ledger_changed_dates. The records of the credit dates they
    cover are deleted in the same transaction (macros/rewritten_credit_dates.sql). -#}
-- depends_on: {{ ref('int_series_daily_values') }}
-- depends_on: {{ ref('int_rollup_target_daily_values') }}
select credit_date, fingerprint
from {{ ref('int_ledger_changed_dates') }}
where fingerprint is not null
