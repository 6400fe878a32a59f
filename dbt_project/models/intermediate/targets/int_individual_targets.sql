{#- Every individual target (quota or goal) with the series its value is read from (int_user_series). -#}
select
    targets.target_kind,
    targets.target_id,
    series.series_id,
    targets.start_date,
    targets.end_date
from {{ ref('int_targets') }} as targets
inner join {{ ref('int_user_series') }} as series
    on series.user_id = targets.scope_id
    and series.metric_type = targets.metric_type
    and series.metric_field is not distinct from targets.metric_field
    and series.currency is not distinct from {{ series_currency('targets.metric_type', 'targets.currency') }}
where targets.scope_type = 'individual'
