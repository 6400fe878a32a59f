{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dates() }}") }}
{#- What every team and the company earn on each day of each context, weighted and in the scope's own
    currency. A credit counts for the team its user belonged to on the credit's date, times the user's
    own-target weight and the membership weight; it then climbs the tree with the team path weights. Credits
    of a user without a team that day go straight to the company. -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}

with

member_credits as (
    select
        credits.user_id,
        credits.credit_date,
        credits.metric_type,
        credits.metric_field,
        credits.currency,
        credits.credit_value * coalesce(memberships.membership_weight, 1.0) as credit_value,
        memberships.team_id
    from {{ ref('int_credits_daily') }} as credits
    left join {{ ref('int_memberships_effective') }} as memberships
        on memberships.user_id = credits.user_id
        and credits.credit_date >= memberships.valid_from
        and credits.credit_date < memberships.valid_to
    where {{ in_recomputed_dates('credits.credit_date') }}
),

user_weights as (
    select context_id, metric_type, metric_field, scope_id as user_id, weight
    from {{ ref('int_scope_targets') }}
    where scope_type = 'individual'
),

{#- A user's contribution in a context is their credit times their own target's weight there (1 without
    one). Most weigh 1, so credits are first summed per team and day once, for every context of the metric
    key at once; the users whose target weighs otherwise then add their credit times (weight - 1) in the
    contexts where that weight applies. The same sum as weighting each credit, regrouped: it keeps the
    per-context rows to the teams' days instead of every user's. -#}
team_daily as (
    select
        team_id,
        credit_date,
        metric_type,
        metric_field,
        currency,
        {{ exact_sum("credit_value") }} as credit_value
    from member_credits
    group by all
),

unit_weighted as (
    select
        context_days.context_id,
        context_days.metric_type,
        context_days.metric_field,
        team_daily.team_id,
        team_daily.credit_date,
        team_daily.currency,
        team_daily.credit_value
    from team_daily
    inner join {{ ref('int_context_days') }} as context_days
        on context_days.metric_type = team_daily.metric_type
        and context_days.metric_field is not distinct from team_daily.metric_field
        and context_days.credit_date = team_daily.credit_date
),

weight_corrections as (
    select
        context_days.context_id,
        context_days.metric_type,
        context_days.metric_field,
        member_credits.team_id,
        member_credits.credit_date,
        member_credits.currency,
        {{ exact_sum("member_credits.credit_value * (user_weights.weight - 1)") }} as credit_value
    from member_credits
    inner join user_weights
        on user_weights.user_id = member_credits.user_id
        and user_weights.metric_type = member_credits.metric_type
        and user_weights.metric_field is not distinct from member_credits.metric_field
        and user_weights.weight <> 1
    inner join {{ ref('int_context_days') }} as context_days
        on {{ same_context('context_days', 'user_weights') }}
        and context_days.credit_date = member_credits.credit_date
    group by all
),

direct_team_daily as (
    select context_id, metric_type, metric_field, team_id, credit_date, currency, sum(credit_value) as credit_value
    from (
        select * from unit_weighted
        union all
        select * from weight_corrections
    )
    group by all
),

{#- Not materialized: read twice below (counts, and amounts to convert), DuckDB would otherwise write its
    rows (at M 33M) to a temporary result and read them back twice; computing it twice is cheaper
    (the model at M 45 s -> 24 s, the same rows). -#}
passed_up as not materialized (
    select
        direct_team_daily.context_id,
        direct_team_daily.metric_type,
        direct_team_daily.metric_field,
        path_weights.receiver_scope_type as scope_type,
        path_weights.receiver_team_id as team_id,
        direct_team_daily.credit_date,
        direct_team_daily.currency,
        direct_team_daily.credit_value * path_weights.path_weight as credit_value
    from direct_team_daily
    inner join {{ ref('int_team_path_weights') }} as path_weights
        on {{ same_context('path_weights', 'direct_team_daily') }}
        and path_weights.team_id = direct_team_daily.team_id

    union all

    select
        context_id,
        metric_type,
        metric_field,
        'company' as scope_type,
        null as team_id,
        credit_date,
        currency,
        credit_value
    from direct_team_daily
    where team_id is null
),

scope_currencies as (
    select context_id, metric_type, metric_field, scope_type, scope_id, currency
    from {{ ref('int_scope_targets') }}
    where scope_type in ('team', 'company')
),

scoped as (
    select
        passed_up.*,
        coalesce(scope_currencies.currency, {{ reporting_currency() }}) as scope_currency
    from passed_up
    left join scope_currencies
        on {{ same_context('scope_currencies', 'passed_up') }}
        and scope_currencies.scope_type = passed_up.scope_type
        and scope_currencies.scope_id is not distinct from passed_up.team_id
    where passed_up.currency is not null
),

{#- Only amounts (revenue) carry a currency; counts and custom values skip the currency joins. -#}
converted as (
    select context_id, metric_type, metric_field, scope_type, team_id, credit_date, credit_value
    from passed_up
    where currency is null

    union all

    select
        scoped.context_id,
        scoped.metric_type,
        scoped.metric_field,
        scoped.scope_type,
        scoped.team_id,
        scoped.credit_date,
        {{ convert_currency(
            'scoped.credit_value', 'scoped.currency', 'scoped.scope_currency',
            'from_rate.rate_to_usd', 'to_rate.rate_to_usd') }} as credit_value
    from scoped
    {{ fx_rate_joins('scoped.currency', 'scoped.scope_currency', 'scoped.credit_date') }}
)

select
    context_id,
    metric_type,
    metric_field,
    scope_type,
    team_id,
    credit_date,
    {{ exact_sum("credit_value") }} as daily_value
from converted
group by all
