{#- Every input row set aside, with the table it came from, its id and the first check it failed.
    Nothing is dropped silently: a row is either here or counted. The leads and activities set aside are
    kept from run to run (int_leads_rejected, int_activities_rejected), like their credits. Ids are given as
    text: the deals', leads' and activities' may be integers (macros/integer_ids.sql). -#}
{%- set checked = [
    ('teams', 'int_teams_checked', 'team_id'),
    ('users', 'int_users_checked', 'user_id'),
    ('team_memberships', 'int_team_memberships_checked', 'membership_id'),
    ('deals', 'int_deals_checked', 'deal_id'),
    ('deal_splits', 'int_deal_splits_checked', 'split_id'),
    ('leads', 'int_leads_rejected', 'source_id'),
    ('activities', 'int_activities_rejected', 'source_id'),
    ('fx_rates', 'int_fx_rates_checked', 'fx_rate_id'),
    ('quota_periods', 'int_quota_periods_checked', 'period_id'),
    ('quotas', 'int_quotas_checked', 'quota_id'),
    ('goals', 'int_goals_checked', 'goal_id'),
    ('goal_milestones', 'int_goal_milestones_checked', 'milestone_id'),
] -%}

{% for source_table, model, id_column in checked %}
select
    '{{ source_table }}' as source_table,
    cast({{ id_column }} as varchar) as source_id,
    {{ 'reason' if model.endswith('_rejected') else 'rejection_reason' }} as reason
from {{ ref(model) }}
{%- if not model.endswith('_rejected') %}
where rejection_reason is not null
{%- endif %}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
