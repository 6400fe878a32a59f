{#- The rollups every team and the company reach in each context, and the targets their direct children
    carry: the bodies of int_rollup_values and int_rollup_member_targets, which are these with every
    context. `context_filter` is a condition on int_target_contexts' columns: the rollups kept by period
    (int_quota_rollups_rows) compute only the periods a run refreshes, and the condition is applied before
    the daily values are summed and the targets joined, where a filter on the views' output would come
    after. -#}

{#- Every team and the company in every context, with its value as of D and over the week to D. -#}
{% macro rollup_values(context_filter='true') -%}
with

contexts as (
    select context_id, metric_type, metric_field, context_key from {{ ref('int_target_contexts') }}
    where {{ context_filter }}
),

values_as_of as (
    select
        context_key,
        receiver_key,
        sum(daily_value) filter (where credit_date <= {{ as_of_date() }}) as current_value,
        sum(daily_value) filter (
            where credit_date <= {{ as_of_date() }} and credit_date > {{ as_of_date() }} - 7
        ) as week_delta
    from {{ ref('int_rollup_daily_values') }}
    where context_key in (select context_key from contexts)
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
cross join {{ ref('int_rollup_receivers') }} as scopes
left join values_as_of
    on values_as_of.context_key = contexts.context_key
    and values_as_of.receiver_key = scopes.receiver_key
{%- endmacro %}

{#- The targets a team's (or the company's) direct children carry on the reference day R. -#}
{% macro rollup_member_targets(context_filter='true') -%}
with

contexts as (
    select
        context_id,
        metric_type,
        metric_field,
        least(greatest({{ as_of_date() }}, start_date), end_date) as reference_date
    from {{ ref('int_target_contexts') }}
    where {{ context_filter }}
),

{#- Only the contexts' targets: filtered here, on one column, DuckDB keeps a period's few hundred
    thousand targets before the three-column join below rather than probing all of them (the quota
    rollups' 7 periods of one more day at M: the query alone 0.61-0.71 s -> 0.34-0.37 s). -#}
scope_targets as (
    select * from {{ ref('int_scope_targets') }}
    {%- if context_filter != 'true' %}
    where context_id in (select context_id from contexts)
    {%- endif %}
),

teams as (
    select hierarchy.team_id, parents.ancestor_team_id as parent_team_id
    from {{ ref('int_team_hierarchy') }} as hierarchy
    left join {{ ref('int_team_hierarchy') }} as parents
        on parents.team_id = hierarchy.team_id and parents.depth = 1
    where hierarchy.depth = 0
),

team_children as (
    select
        contexts.context_id,
        contexts.metric_type,
        contexts.metric_field,
        contexts.reference_date,
        case when teams.parent_team_id is null then 'company' else 'team' end as parent_scope_type,
        teams.parent_team_id,
        child.target_value * child.weight as weighted_target,
        child.currency
    from contexts
    inner join scope_targets as child
        on child.scope_type = 'team'
        and {{ same_context('child', 'contexts') }}
    inner join teams on teams.team_id = child.scope_id
),

user_children as (
    select
        contexts.context_id,
        contexts.metric_type,
        contexts.metric_field,
        contexts.reference_date,
        case when memberships.team_id is null then 'company' else 'team' end as parent_scope_type,
        memberships.team_id as parent_team_id,
        child.target_value * child.weight * coalesce(memberships.membership_weight, 1.0) as weighted_target,
        child.currency
    from contexts
    inner join scope_targets as child
        on child.scope_type = 'individual'
        and {{ same_context('child', 'contexts') }}
    left join {{ ref('int_memberships_effective') }} as memberships
        on memberships.user_id = child.scope_id
        and contexts.reference_date >= memberships.valid_from
        and contexts.reference_date < memberships.valid_to
),

children as (
    select * from team_children
    union all
    select * from user_children
),

converted as (
    select
        children.context_id,
        children.metric_type,
        children.metric_field,
        children.parent_scope_type as scope_type,
        children.parent_team_id as team_id,
        {{ convert_currency(
            'children.weighted_target',
            "case when children.metric_type = 'revenue' then children.currency end",
            'coalesce(parent.currency, ' ~ reporting_currency() ~ ')',
            'from_rate.rate_to_usd', 'to_rate.rate_to_usd') }} as weighted_target
    from children
    left join scope_targets as parent
        on {{ same_context('parent', 'children') }}
        and parent.scope_type = children.parent_scope_type
        and parent.scope_id is not distinct from children.parent_team_id
    {{ fx_rate_joins(
        'children.currency',
        'coalesce(parent.currency, ' ~ reporting_currency() ~ ')',
        'children.reference_date') }}
)

select
    context_id,
    metric_type,
    metric_field,
    scope_type,
    team_id,
    {{ exact_sum("weighted_target") }} as member_target_sum
from converted
group by all
{%- endmacro %}

{#- The joins that give `relation` (a context's names, and a scope as scope_type and scope_id) the numbers
    its scope's rollups are stored by: `contexts.context_key` and `receivers.receiver_key`. -#}
{% macro join_rollup_numbers(relation) -%}
    inner join {{ ref('int_target_contexts') }} as contexts
        on {{ same_context('contexts', relation) }}
    inner join {{ ref('int_rollup_receivers') }} as receivers
        on receivers.scope_type = {{ relation }}.scope_type
        and receivers.team_id is not distinct from {{ relation }}.scope_id
{%- endmacro %}
