{#- Every team and the company in every context, with its value as of D and over the week to D: a team
    that earned nothing still has its row, at 0. -#}
with

contexts as (
    select context_id, metric_type, metric_field from {{ ref('int_target_contexts') }}
),

scopes as (
    select 'team' as scope_type, team_id
    from {{ ref('int_teams_checked') }}
    where rejection_reason is null
    union all
    select 'company', null
),

values_as_of as (
    select
        context_id,
        metric_type,
        metric_field,
        scope_type,
        team_id,
        sum(daily_value) filter (where credit_date <= {{ as_of_date() }}) as current_value,
        sum(daily_value) filter (
            where credit_date <= {{ as_of_date() }} and credit_date > {{ as_of_date() }} - 7
        ) as week_delta
    from {{ ref('int_rollup_daily_values') }}
    group by all
)

select
    contexts.context_id,
    contexts.metric_type,
    contexts.metric_field,
    scopes.scope_type,
    scopes.team_id,
    coalesce(values_as_of.current_value, 0) as current_value,
    coalesce(values_as_of.week_delta, 0) as week_delta
from contexts
cross join scopes
left join values_as_of
    on {{ same_context('values_as_of', 'contexts') }}
    and values_as_of.scope_type = scopes.scope_type
    and values_as_of.team_id is not distinct from scopes.team_id
