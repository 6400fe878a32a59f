{{ config(materialized='view') }}
{#- The quota configuration as the application wrote it, with each quota's value and attainment as of D:
    the kept rows (int_quotas_rows) with D. -#}
select
    id,
    period_id,
    user_id,
    team_id,
    metric_type,
    metric_field,
    target_value,
    currency,
    weight,
    current_value,
    attainment_percent,
    scope_type,
    {{ as_of_date() }} as as_of_date,
    period_name,
    period_type,
    start_date,
    end_date
from {{ ref('int_quotas_rows').include(database=false) }}
