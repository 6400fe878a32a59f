{#- The quota configuration as the application wrote it, with each quota's value and attainment as of D. -#}
select
    quotas.quota_id as id,
    quotas.period_id,
    quotas.user_id,
    quotas.team_id,
    quotas.metric_type,
    quotas.metric_field,
    quotas.target_value,
    quotas.currency,
    quotas.weight,
    progress.current_value,
    progress.attainment_percent,
    quotas.scope_type,
    progress.as_of_date,
    quotas.period_name,
    quotas.period_type,
    quotas.start_date,
    quotas.end_date
from {{ ref('int_quotas_checked') }} as quotas
inner join {{ ref('quota_progress') }} as progress on progress.quota_id = quotas.quota_id
where quotas.rejection_reason is null
