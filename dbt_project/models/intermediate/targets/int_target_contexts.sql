{#- Every context with at least one valid target at any level: a quota period or a goal's date range,
    with a metric key. Rollups exist per context. -#}
select distinct
    context_id,
    target_kind as context_kind,
    period_id,
    start_date,
    end_date,
    metric_type,
    metric_field
from {{ ref('int_targets') }}
