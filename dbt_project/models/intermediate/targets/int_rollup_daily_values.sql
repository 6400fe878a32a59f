{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dates() }}") }}
{#- What every team and the company earn on each day of each context, weighted and in the scope's own
    currency. A credit counts for the team its user belonged to on the credit's date, times the user's
    own-target weight and the membership weight; it then climbs the tree with the team path weights. Credits
    of a user without a team that day go straight to the company.

    Stored by number: `context_key` (int_target_contexts names it) and `receiver_key` (int_rollup_receivers:
    0 the company, else a team). Grouped by the five names instead, the final sum of the full build at M
    (16.6M rows into 11.5M) took 7.1 s instead of 3.7 s, and joining the names back on took 3 s more. -#}
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
    one), and a team's value reaches each ancestor and the company times the path weight between them (1
    when no team on the way has a weight of its own). Most weights are 1, so the sums are regrouped: credits
    are summed per team and day, and passed up the tree at weight 1, once for every context of the metric
    key; the contexts then add two corrections: a team's credits times (path weight - 1) where that path
    weight is not 1, and the credits of users whose own weight is not 1 times (weight - 1), passed up with
    the full path weights. The same sum as weighting every credit on every path, with the per-context rows
    kept to the receivers' days (at M, the rows summed at the end 31M -> 17M; the model 24 s -> 13 s). -#}
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

path_weights as (
    select * from {{ ref('int_team_path_weights') }}
),

{#- Every scope a team's value reaches (itself, its ancestors, the company): the same in every context. -#}
receivers as (
    select distinct team_id, receiver_key
    from path_weights
),

unit_passed_up as (
    select
        team_daily.metric_type,
        team_daily.metric_field,
        receivers.receiver_key,
        team_daily.credit_date,
        team_daily.currency,
        {{ exact_sum("team_daily.credit_value") }} as credit_value
    from team_daily
    inner join receivers on receivers.team_id = team_daily.team_id
    group by all

    union all

    select metric_type, metric_field, 0, credit_date, currency, credit_value
    from team_daily
    where team_id is null
),

path_weight_corrections as (
    select
        path_weights.context_key,
        path_weights.receiver_key,
        team_daily.credit_date,
        team_daily.currency,
        team_daily.credit_value * (path_weights.path_weight - 1) as credit_value
    from path_weights
    inner join team_daily
        on team_daily.team_id = path_weights.team_id
        and team_daily.metric_type = path_weights.metric_type
        and team_daily.metric_field is not distinct from path_weights.metric_field
    inner join {{ ref('int_context_days') }} as context_days
        on {{ same_context('context_days', 'path_weights') }}
        and context_days.credit_date = team_daily.credit_date
    where path_weights.path_weight <> 1
),

{#- The users' weights other than 1 with their context's days as a range: joined to the credits on the
    user and metric key, a few thousand rows to look up (joined to every day of those contexts instead,
    the days made a hash table of millions). The corrections join the credits to their memberships again
    rather than read member_credits: from that materialized result DuckDB built its hash table of the 21M
    credits instead (5 s at M), and with member_credits inlined for both readers the model took 14.5-14.9 s
    at M against 13.6 s for this repeated join. -#}
user_weight_ranges as (
    select
        contexts.context_key,
        user_weights.metric_type,
        user_weights.metric_field,
        user_weights.user_id,
        user_weights.weight,
        contexts.start_date,
        contexts.end_date
    from user_weights
    inner join {{ ref('int_target_contexts') }} as contexts
        on {{ same_context('contexts', 'user_weights') }}
    where user_weights.weight <> 1
),

weight_corrections as (
    select
        user_weight_ranges.context_key,
        memberships.team_id,
        credits.credit_date,
        credits.currency,
        {{ exact_sum(
            "credits.credit_value * coalesce(memberships.membership_weight, 1.0) * (user_weight_ranges.weight - 1)"
        ) }} as credit_value
    {# the dates filtered before the join: after it, a daily run joined every credit of every date #}
    from (
        select * from {{ ref('int_credits_daily') }} where {{ in_recomputed_dates('credit_date') }}
    ) as credits
    inner join user_weight_ranges
        on user_weight_ranges.user_id = credits.user_id
        and user_weight_ranges.metric_type = credits.metric_type
        and user_weight_ranges.metric_field is not distinct from credits.metric_field
        and credits.credit_date between user_weight_ranges.start_date and user_weight_ranges.end_date
    left join {{ ref('int_memberships_effective') }} as memberships
        on memberships.user_id = credits.user_id
        and credits.credit_date >= memberships.valid_from
        and credits.credit_date < memberships.valid_to
    group by all
),

weight_corrections_passed_up as (
    select
        weight_corrections.context_key,
        path_weights.receiver_key,
        weight_corrections.credit_date,
        weight_corrections.currency,
        weight_corrections.credit_value * path_weights.path_weight as credit_value
    from weight_corrections
    inner join path_weights
        on path_weights.context_key = weight_corrections.context_key
        and path_weights.team_id = weight_corrections.team_id

    union all

    select context_key, 0, credit_date, currency, credit_value
    from weight_corrections
    where team_id is null
),

{#- Not materialized: read twice below (counts, and amounts to convert), DuckDB would otherwise write its
    rows to a temporary result and read them back twice; computing it twice is cheaper. -#}
passed_up as not materialized (
    select
        context_days.context_key,
        unit_passed_up.receiver_key,
        unit_passed_up.credit_date,
        unit_passed_up.currency,
        unit_passed_up.credit_value
    from unit_passed_up
    inner join {{ ref('int_context_days') }} as context_days
        on context_days.metric_type = unit_passed_up.metric_type
        and context_days.metric_field is not distinct from unit_passed_up.metric_field
        and context_days.credit_date = unit_passed_up.credit_date

    union all

    select * from path_weight_corrections

    union all

    select * from weight_corrections_passed_up
),

scope_currencies as (
    select contexts.context_key, receivers.receiver_key, scope_targets.currency
    from {{ ref('int_scope_targets') }} as scope_targets
    {{ join_rollup_numbers('scope_targets') }}
    where scope_targets.scope_type in ('team', 'company')
),

scoped as (
    select
        passed_up.*,
        coalesce(scope_currencies.currency, {{ reporting_currency() }}) as scope_currency
    from passed_up
    left join scope_currencies
        on scope_currencies.context_key = passed_up.context_key
        and scope_currencies.receiver_key = passed_up.receiver_key
    where passed_up.currency is not null
),

{#- Only amounts (revenue) carry a currency; counts and custom values skip the currency joins. -#}
converted as (
    select context_key, receiver_key, credit_date, credit_value
    from passed_up
    where currency is null

    union all

    select
        scoped.context_key,
        scoped.receiver_key,
        scoped.credit_date,
        {{ convert_currency(
            'scoped.credit_value', 'scoped.currency', 'scoped.scope_currency',
            'from_rate.rate_to_usd', 'to_rate.rate_to_usd') }} as credit_value
    from scoped
    {{ fx_rate_joins('scoped.currency', 'scoped.scope_currency', 'scoped.credit_date') }}
)

select
    context_key,
    receiver_key,
    credit_date,
    {{ exact_sum("credit_value") }} as daily_value
from converted
group by all
{{ in_date_order() }}
