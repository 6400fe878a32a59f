{{ config(materialized='table') }}
{#- The leads fingerprints of this run, stored once its credits and rejected rows are written and tested,
    for the next run's int_lead_ledger_changes. -#}
-- depends_on: {{ ref('int_lead_credits_daily') }}
-- depends_on: {{ ref('int_leads_rejected') }}
-- depends_on: {{ ref('int_leads_duplicate_ids') }}
select kind, utc_hour, undated_bucket, fingerprint
from {{ ref('int_lead_ledger_changes') }}
