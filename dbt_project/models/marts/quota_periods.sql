{{ config(materialized='reusable_table') }}
select
    period_id as id,
    period_name as name,
    period_type,
    start_date,
    end_date,
    is_active,
    datediff('day', start_date, end_date) + 1 as days_total
from {{ ref('int_quota_periods_checked') }}
where rejection_reason is null
