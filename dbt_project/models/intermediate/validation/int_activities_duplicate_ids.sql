{{ config(materialized='reusable_table') }}
{#- The activities ids that occur more than once, with the verdict for their copies: one aggregate over every id,
    written once (a handful of rows), so that int_activities_checked can stay a view: the ledger and the
    quarantine each read the activities once, and no copy of them all is ever written. -#}
{{ duplicate_id_verdicts(ref('stg_crm__activity_versions'), 'activity_id', 'updated_at') }}
