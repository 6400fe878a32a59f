{#- The quota configuration as the application wrote it, with each quota's value and attainment as of D:
    the rows of the quotas mart without D, kept by period (macros/kept_by_period.sql; configured for the
    folder in dbt_project.yml). -#}
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
    quotas.period_name,
    quotas.period_type,
    quotas.start_date,
    quotas.end_date,
    progress.computed_as_of,
    '{{ invocation_id }}' as computed_by
from {{ ref('int_quotas_checked') }} as quotas
inner join {{ ref('int_quota_progress_rows') }} as progress on progress.quota_id = quotas.quota_id
where quotas.rejection_reason is null and {{ period_is_refreshed('quotas.period_id') }}
