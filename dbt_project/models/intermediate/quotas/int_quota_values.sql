{#- Every valid quota's value as of D and over the week to D. An individual quota sums its own daily
    values; a team or company quota reports its scope's rollup. Only days on or before D count, and only
    days inside the period (the daily values hold nothing else). -#}
with

quotas as (
    select * from {{ ref('int_quotas_checked') }} where rejection_reason is null
),

individual_values as (
    select
        quota_id,
        sum(daily_value) filter (where credit_date <= {{ as_of_date() }}) as current_value,
        sum(daily_value) filter (
            where credit_date <= {{ as_of_date() }} and credit_date > {{ as_of_date() }} - 7
        ) as week_delta
    from {{ ref('int_individual_quota_daily_values') }}
    group by quota_id
),

rollup_values as (
    select * from {{ ref('int_rollup_values') }}
)

select
    quotas.quota_id,
    coalesce(individual_values.current_value, rollup_values.current_value, 0) as current_value,
    coalesce(individual_values.week_delta, rollup_values.week_delta, 0) as week_delta
from quotas
left join individual_values
    on quotas.scope_type = 'individual' and individual_values.quota_id = quotas.quota_id
left join rollup_values
    on quotas.scope_type <> 'individual'
    and rollup_values.period_id = quotas.period_id
    and rollup_values.metric_type = quotas.metric_type
    and rollup_values.metric_field is not distinct from quotas.metric_field
    and rollup_values.scope_type = quotas.scope_type
    and rollup_values.team_id is not distinct from quotas.scope_team_id
