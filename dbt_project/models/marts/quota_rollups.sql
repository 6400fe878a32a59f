{{ config(materialized='view') }}
{#- Every team and the company, for every period and metric key with a quota at any level, as of D: the
    kept rows (int_quota_rollups_rows, where the rollups are computed) with D. -#}
select
    scope_type,
    team_id,
    period_id,
    metric_type,
    metric_field,
    current_value,
    target_value,
    attainment_percent,
    member_target_sum,
    over_assignment_percent,
    currency,
    quota_id,
    week_delta,
    {{ as_of_date() }} as as_of_date
from {{ ref('int_quota_rollups_rows').include(database=false) }}
