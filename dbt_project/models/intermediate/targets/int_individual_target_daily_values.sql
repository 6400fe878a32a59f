{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_recomputed_dates() }}") }}
{#- Each individual target's value earned on each day of its range: the user's own credits of the
    target's metric, converted into the target's currency with the rates in force that day. Unweighted:
    weights only shape what a user passes up to teams. -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}

with

individual_targets as (
    select target_kind, target_id, context_id, scope_id as user_id, metric_type, metric_field, currency
    from {{ ref('int_targets') }}
    where scope_type = 'individual'
),

credits_in_context as (
    select
        context_days.context_id,
        credits.user_id,
        credits.metric_type,
        credits.metric_field,
        credits.credit_date,
        credits.currency,
        credits.credit_value
    from {{ ref('int_credits_daily') }} as credits
    inner join {{ ref('int_context_days') }} as context_days
        on context_days.metric_type = credits.metric_type
        and context_days.metric_field is not distinct from credits.metric_field
        and context_days.credit_date = credits.credit_date
    where {{ in_recomputed_dates('credits.credit_date') }}
),

matched as (
    select
        individual_targets.target_kind,
        individual_targets.target_id,
        individual_targets.currency as target_currency,
        credits_in_context.credit_date,
        credits_in_context.currency,
        credits_in_context.credit_value
    from credits_in_context
    inner join individual_targets
        on individual_targets.user_id = credits_in_context.user_id
        and {{ same_context('individual_targets', 'credits_in_context') }}
),

{#- Only amounts (revenue) carry a currency; counts and custom values skip the two rate joins. -#}
converted as (
    select target_kind, target_id, credit_date, credit_value
    from matched
    where currency is null

    union all

    select
        matched.target_kind,
        matched.target_id,
        matched.credit_date,
        {{ convert_currency(
            'matched.credit_value', 'matched.currency', 'matched.target_currency',
            'from_rate.rate_to_usd', 'to_rate.rate_to_usd') }} as credit_value
    from matched
    {{ fx_rate_joins('matched.currency', 'matched.target_currency', 'matched.credit_date') }}
    where matched.currency is not null
)

select target_kind, target_id, credit_date, {{ exact_sum("credit_value") }} as daily_value
from converted
group by all
