{{ config(**revalued_by_context_config()) }}
{#- Every team and the company in every context, with its value as of D and over the week to D: a team
    that earned nothing still has its row, at 0.

    Kept from run to run like int_target_values (macros/valuation.sql): a run values again only the
    contexts whose range is near the new or the previous as-of date or holds a changed credit date, and
    every context when any other input changed. Summing every context's daily values took about 2 s a day
    at M, for rows that mostly could not have changed. -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}
with

stale_contexts as (
    {{ contexts_to_revalue() }}
),

contexts as (
    select context_id, metric_type, metric_field from stale_contexts
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
    from {{ ref('int_rollup_daily_values') }} as daily
    semi join stale_contexts as stale on {{ same_context('daily', 'stale') }}
    group by all
)

select
    contexts.context_id,
    contexts.metric_type,
    contexts.metric_field,
    scopes.scope_type,
    scopes.team_id,
    coalesce(values_as_of.current_value, 0) as current_value,
    coalesce(values_as_of.week_delta, 0) as week_delta,
    {{ as_of_date() }} as valued_as_of
from contexts
cross join scopes
left join values_as_of
    on {{ same_context('values_as_of', 'contexts') }}
    and values_as_of.scope_type = scopes.scope_type
    and values_as_of.team_id is not distinct from scopes.team_id
