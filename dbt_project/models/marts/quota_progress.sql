{{ config(materialized='view') }}
{#- Progress and pace of every quota as of D: the kept rows (int_quota_progress_rows, where the numbers
    are computed) with D. The reference leaves out the warehouse's catalog name, so the view also reads
    right where the warehouse is attached under another name (the serving copy). -#}
select
    quota_id,
    {{ as_of_date() }} as as_of_date,
    current_value,
    target_value,
    attainment_percent,
    days_total,
    days_elapsed,
    days_remaining,
    week_delta,
    required_daily_pace,
    projected_value,
    pace_status,
    period_id,
    scope_type,
    user_id,
    team_id,
    metric_type,
    metric_field,
    currency,
    start_date,
    end_date
from {{ ref('int_quota_progress_rows').include(database=false) }}
