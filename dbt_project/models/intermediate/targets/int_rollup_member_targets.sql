{#- The targets a team's (or the company's) direct children carry, on the reference day
    R = min(max(D, start), end): sub-teams with their own target (target x weight), and users who are
    members on R with their own target (target x its weight x membership weight); users with no team on R
    and top-level teams are the company's children. Converted into the parent's currency on R. -#}
with

contexts as (
    select
        context_id,
        metric_type,
        metric_field,
        least(greatest({{ as_of_date() }}, start_date), end_date) as reference_date
    from {{ ref('int_target_contexts') }}
),

scope_targets as (
    select * from {{ ref('int_scope_targets') }}
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
