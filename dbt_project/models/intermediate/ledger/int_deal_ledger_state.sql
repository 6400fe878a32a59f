{{ config(materialized='table') }}
{#- The deals' fingerprints of this run, stored once the checked deals and their credits are written and
    tested, for the next run's int_deal_ledger_changes. -#}
-- depends_on: {{ ref('int_deal_credits_daily') }}
-- depends_on: {{ ref('int_deals_checked') }}
-- depends_on: {{ ref('int_deals_duplicate_ids') }}
select kind, utc_hour, undated_bucket, fingerprint
from {{ ref('int_deal_ledger_changes') }}
