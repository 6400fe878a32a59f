{{ config(
    materialized='incremental',
    pre_hook=before_begin("{{ delete_event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'occurred_on', 'source_id') }}"),
) }}
{#- The activities rows set aside, with the first check each failed, for the quarantine. Incremental on the
    rows' local dates like the credits (null: rows without occurred_at, by bucket of their id). The verdicts
    are read without a date, narrowed to the recomputed hours, and only the rejected rows are dated (see
    stg_crm__activities). -#}
with

rejected as (
    select activity_id, rejection_reason, occurred_at
    from {{ ref('int_activity_verdicts') }}
    where rejection_reason is not null
        and {{ event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'occurred_at', none, undated_id_column='activity_id') }}
),

dated as (
    select
        rejected.*,
        {{ local_date_from_join('rejected.occurred_at', 'local_hour') }} as occurred_on
    from rejected
    {{ local_date_join('rejected.occurred_at', 'local_hour') }}
)

select
    cast(activity_id as varchar) as source_id,
    rejection_reason as reason,
    occurred_on
from dated
where {{ event_rows_to_recompute(ref('int_activity_ledger_changes'), ref('int_activity_recomputed_dates'), 'occurred_at', 'occurred_on', undated_id_column='activity_id') }}
