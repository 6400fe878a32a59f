{{ config(materialized='view') }}
{#- Every individual quota ranked within its period and metric key, and within the rep's team, as of D:
    the kept rows (int_leaderboard_rows, where the ranks are computed) with D. -#}
select
    period_id,
    metric_type,
    metric_field,
    user_id,
    user_name,
    team_id,
    team_name,
    rank,
    team_rank,
    display_order,
    current_value,
    target_value,
    attainment_percent,
    vs_quota,
    currency,
    quota_id,
    {{ as_of_date() }} as as_of_date
from {{ ref('int_leaderboard_rows').include(database=false) }}
