{#- Every team and the company, for every period and metric key that has a quota at any level: the
    weighted value of everything below it, its own target (if it has a quota), and the targets its
    direct children carry (over-assignment). The rows of the quota_rollups mart without D, kept by
    period (macros/kept_by_period.sql; configured for the folder in dbt_project.yml): a period is
    computed again when a credit date in it changed, as well as for the reasons every kept mart is. -#}
{%- set refreshed = period_is_refreshed('period_id') %}
with

quota_contexts as (
    select distinct context_id, period_id from {{ ref('int_target_contexts') }}
    where context_kind = 'quota' and {{ refreshed }}
),

rollup_values as (
    select quota_contexts.period_id, rollups.*
    from ({{ rollup_values(refreshed) }}) as rollups
    inner join quota_contexts on quota_contexts.context_id = rollups.context_id
),

own_quotas as (
    select *, target_id as quota_id
    from {{ ref('int_scope_targets') }}
    where scope_type in ('team', 'company')
),

member_targets as (
    select * from ({{ rollup_member_targets(refreshed) }})
)

select
    rollup_values.scope_type,
    rollup_values.team_id,
    rollup_values.period_id,
    rollup_values.metric_type,
    rollup_values.metric_field,
    rollup_values.current_value,
    own_quotas.target_value,
    {{ attainment_percent('rollup_values.current_value', 'own_quotas.target_value') }} as attainment_percent,
    member_targets.member_target_sum,
    {{ attainment_percent('member_targets.member_target_sum', 'own_quotas.target_value') }}
        as over_assignment_percent,
    coalesce(own_quotas.currency, {{ reporting_currency() }}) as currency,
    own_quotas.quota_id,
    rollup_values.week_delta,
    {{ as_of_date() }} as computed_as_of,
    '{{ invocation_id }}' as computed_by
from rollup_values
left join own_quotas
    on {{ same_context('own_quotas', 'rollup_values') }}
    and own_quotas.scope_type = rollup_values.scope_type
    and own_quotas.scope_id is not distinct from rollup_values.team_id
left join member_targets
    on {{ same_context('member_targets', 'rollup_values') }}
    and member_targets.scope_type = rollup_values.scope_type
    and member_targets.team_id is not distinct from rollup_values.team_id
