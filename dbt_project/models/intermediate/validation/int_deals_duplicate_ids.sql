{{ config(materialized='table') }}
{#- The deal ids that occur more than once, with the verdict for their copies. Kept from run to run: only
    the ids of changed rows and the known duplicates are looked at again (int_deal_duplicate_changes); a
    full rebuild aggregates every id. -#}
{{ event_duplicate_ids(
    ref('stg_crm__deal_versions'), 'deal_id', ref('int_deal_ledger_changes'), ref('int_deal_duplicate_changes')
) }}
