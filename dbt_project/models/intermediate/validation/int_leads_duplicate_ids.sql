{{ config(materialized='table') }}
{#- The leads ids that occur more than once, with the verdict for their copies (a handful of rows), so that
    int_leads_checked can stay a view. Kept from run to run: only the ids of changed rows and the known
    duplicates are looked at again (int_lead_duplicate_changes); a full rebuild aggregates every id. -#}
{{ event_duplicate_ids(
    ref('stg_crm__lead_versions'), 'lead_id', ref('int_lead_ledger_changes'), ref('int_lead_duplicate_changes')
) }}
