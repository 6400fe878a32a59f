{#- Every individual target (quota or goal) with the series its value is read from: its user, metric key,
    and currency for revenue. -#}
select
    target_kind,
    target_id,
    scope_id as user_id,
    metric_type,
    metric_field,
    {{ series_currency('metric_type', 'currency') }} as currency,
    start_date,
    end_date
from {{ ref('int_targets') }}
where scope_type = 'individual'
