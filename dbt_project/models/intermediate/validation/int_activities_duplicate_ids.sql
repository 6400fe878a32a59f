{{ config(materialized='table') }}
{#- The activities ids that occur more than once, with the verdict for their copies (a handful of rows), so that
    int_activities_checked can stay a view. Kept from run to run: only the ids of changed rows and the known
    duplicates are looked at again (int_activity_duplicate_changes); a full rebuild aggregates every id. -#}
{{ event_duplicate_ids(
    ref('stg_crm__activity_versions'), 'activity_id', ref('int_activity_ledger_changes'), ref('int_activity_duplicate_changes')
) }}
