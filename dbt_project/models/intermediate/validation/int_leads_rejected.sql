{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_lead_ledger_changes'), ref('int_lead_recomputed_dates'), 'created_on', 'source_id') }}"),
) }}
{#- The leads rows set aside, with the first check each failed, for the quarantine. Incremental on the
    rows' local dates like the credits (null: rows without created_at, by bucket of their id). The verdicts
    are read without a date, narrowed to the recomputed hours, and only the rejected rows are dated (see
    stg_crm__activities). -#}
with

rejected as (
    select lead_id, rejection_reason, created_at
    from {{ ref('int_lead_verdicts') }}
    where rejection_reason is not null
        and {{ event_rows_to_recompute(ref('int_lead_ledger_changes'), ref('int_lead_recomputed_dates'), 'created_at', none, undated_id_column='lead_id') }}
),

dated as (
    select
        rejected.*,
        {{ local_date_from_join('rejected.created_at', 'local_hour') }} as created_on
    from rejected
    {{ local_date_join('rejected.created_at', 'local_hour') }}
)

select
    cast(lead_id as varchar) as source_id,
    rejection_reason as reason,
    created_on
from dated
where {{ event_rows_to_recompute(ref('int_lead_ledger_changes'), ref('int_lead_recomputed_dates'), 'created_at', 'created_on', undated_id_column='lead_id') }}
