{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dates() }}") }}
{#- Every team and company target's value earned on each day of its range, in its own currency: its scope's
    weighted rollup in the target's context. (An individual target reads its user's series instead:
    int_series_daily_values.) -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}

with

{# Each team and company target with the numbers its scope's rollups are stored by. #}
scope_targets as (
    select targets.target_kind, targets.target_id, contexts.context_key, receivers.receiver_key
    from {{ ref('int_targets') }} as targets
    {{ join_rollup_numbers('targets') }}
    where targets.scope_type in ('team', 'company')
)

select scope_targets.target_kind, scope_targets.target_id, rollups.credit_date, rollups.daily_value
from scope_targets
inner join {{ ref('int_rollup_daily_values') }} as rollups
    on rollups.context_key = scope_targets.context_key
    and rollups.receiver_key = scope_targets.receiver_key
where {{ in_recomputed_dates('rollups.credit_date') }}
{{ in_date_order('rollups.credit_date') }}
