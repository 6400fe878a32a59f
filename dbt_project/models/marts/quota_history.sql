{{ config(materialized='view') }}
{#- How each rep did in every period started by D, with D: the kept rows (int_quota_history_rows). -#}
select
    period_id,
    period_name,
    period_type,
    start_date,
    end_date,
    metric_type,
    metric_field,
    quota_id,
    user_id,
    user_name,
    team_id,
    final_value,
    target_value,
    attainment_percent,
    rank,
    currency,
    is_final,
    {{ as_of_date() }} as as_of_date
from {{ ref('int_quota_history_rows').include(database=false) }}
