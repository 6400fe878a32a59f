{{ config(materialized='table') }}
{#- The activities fingerprints of this run, stored once its credits and rejected rows are written and tested,
    for the next run's int_activity_ledger_changes. -#}
-- depends_on: {{ ref('int_activity_credits_daily') }}
-- depends_on: {{ ref('int_activities_rejected') }}
-- depends_on: {{ ref('int_activities_duplicate_ids') }}
select kind, utc_hour, undated_bucket, fingerprint
from {{ ref('int_activity_ledger_changes') }}
