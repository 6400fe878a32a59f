{{ config(materialized='reusable_table') }}
{#- In each context, the factor by which a team's weighted value is multiplied on its way up to each
    ancestor team and to the company: the product of the weights of the teams it passes through (itself
    included, the receiving team excluded). A team without its own target in the context has weight 1.
    With the numbers the rollups are stored by: the context's and the receiver's (int_rollup_receivers). -#}
with

contexts as (
    select context_id, metric_type, metric_field, context_key from {{ ref('int_target_contexts') }}
),

hierarchy as (
    select * from {{ ref('int_team_hierarchy') }}
),

receivers as (
    select team_id, 'team' as receiver_scope_type, ancestor_team_id as receiver_team_id, depth
    from hierarchy
    union all
    select team_id, 'company', null, 1 + max(depth)
    from hierarchy
    group by team_id
),

path_steps as (
    select
        receivers.team_id,
        receivers.receiver_scope_type,
        receivers.receiver_team_id,
        steps.ancestor_team_id as step_team_id
    from receivers
    left join hierarchy as steps
        on steps.team_id = receivers.team_id and steps.depth < receivers.depth
),

team_weights as (
    select context_id, metric_type, metric_field, scope_id as team_id, weight
    from {{ ref('int_scope_targets') }}
    where scope_type = 'team'
)

select
    contexts.context_id,
    contexts.metric_type,
    contexts.metric_field,
    path_steps.team_id,
    path_steps.receiver_scope_type,
    path_steps.receiver_team_id,
    contexts.context_key,
    receivers.receiver_key,
    product(coalesce(team_weights.weight, 1.0)) as path_weight
from contexts
cross join path_steps
inner join {{ ref('int_rollup_receivers') }} as receivers
    on receivers.scope_type = path_steps.receiver_scope_type
    and receivers.team_id is not distinct from path_steps.receiver_team_id
left join team_weights
    on {{ same_context('team_weights', 'contexts') }}
    and team_weights.team_id = path_steps.step_team_id
group by all
