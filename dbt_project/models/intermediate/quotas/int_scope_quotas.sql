{{ config(materialized='table') }}
{#- The quota that speaks for each scope (a user, a team, the company) in each context: it gives the
    scope's target, currency and weight. When a scope has several quotas in one context, the lowest id
    speaks for it. -#}
with

ranked as (
    select
        quota_id,
        period_id,
        metric_type,
        metric_field,
        scope_type,
        case scope_type when 'individual' then user_id when 'team' then scope_team_id end as scope_id,
        target_value,
        currency,
        weight,
        row_number() over (
            partition by period_id, metric_type, metric_field, scope_type,
                case scope_type when 'individual' then user_id when 'team' then scope_team_id end
            order by {{ id_order('quota_id') }}
        ) as quota_rank
    from {{ ref('int_quotas_checked') }}
    where rejection_reason is null
)

select * exclude (quota_rank) from ranked where quota_rank = 1
