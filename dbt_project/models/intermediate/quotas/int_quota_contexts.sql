{#- A context is a (period, metric key) with at least one valid quota at any level: the unit in which
    weights, currencies and rollups are defined. -#}
select distinct
    period_id,
    start_date,
    end_date,
    metric_type,
    metric_field
from {{ ref('int_quotas_checked') }}
where rejection_reason is null
