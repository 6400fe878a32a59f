{{ config(materialized='reusable_table') }}
{#- The target that speaks for each scope (a user, a team, the company) in each context: it gives the
    scope's target value, currency and weight. When a scope has several in one context, the lowest id
    speaks for it. -#}
with

ranked as (
    select
        *,
        row_number() over (
            partition by context_id, metric_type, metric_field, scope_type, scope_id
            order by {{ id_order('target_id') }}
        ) as target_rank
    from {{ ref('int_targets') }}
)

select * exclude (target_rank) from ranked where target_rank = 1
