{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dates() }}") }}
{#- Every team and company target's value earned on each day of its range, in its own currency: its scope's
    weighted rollup in the target's context. (An individual target reads its user's series instead:
    int_user_running_totals.) -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}

with

scope_targets as (
    select target_kind, target_id, context_id, metric_type, metric_field, scope_type, scope_id
    from {{ ref('int_targets') }}
    where scope_type in ('team', 'company')
)

select scope_targets.target_kind, scope_targets.target_id, rollups.credit_date, rollups.daily_value
from scope_targets
inner join {{ ref('int_rollup_daily_values') }} as rollups
    on {{ same_context('rollups', 'scope_targets') }}
    and rollups.scope_type = scope_targets.scope_type
    and rollups.team_id is not distinct from scope_targets.scope_id
where {{ in_recomputed_dates('rollups.credit_date') }}
