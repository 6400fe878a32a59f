{{ config(materialized='table') }}
{#- Each individual quota's value earned on each day of its period: the user's own credits of the quota's
    metric, converted into the quota's currency with the rates in force that day. Unweighted: weights
    only shape what a user passes up to teams. -#}
with

individual_quotas as (
    select quota_id, user_id, period_id, metric_type, metric_field, currency
    from {{ ref('int_quotas_checked') }}
    where rejection_reason is null and scope_type = 'individual'
),

credits_in_context as (
    select
        context_days.period_id,
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
),

converted as (
    select
        individual_quotas.quota_id,
        credits_in_context.credit_date,
        {{ convert_currency(
            'credits_in_context.credit_value', 'credits_in_context.currency', 'individual_quotas.currency',
            'from_rate.rate_to_usd', 'to_rate.rate_to_usd') }} as credit_value
    from credits_in_context
    inner join individual_quotas
        on individual_quotas.user_id = credits_in_context.user_id
        and individual_quotas.period_id = credits_in_context.period_id
        and individual_quotas.metric_type = credits_in_context.metric_type
        and individual_quotas.metric_field is not distinct from credits_in_context.metric_field
    left join {{ ref('int_fx_rates_daily') }} as from_rate
        on from_rate.currency = credits_in_context.currency
        and from_rate.rate_date = credits_in_context.credit_date
    left join {{ ref('int_fx_rates_daily') }} as to_rate
        on to_rate.currency = individual_quotas.currency
        and to_rate.rate_date = credits_in_context.credit_date
)

select quota_id, credit_date, {{ exact_sum("credit_value") }} as daily_value
from converted
group by all
