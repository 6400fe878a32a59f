{{ config(materialized='table') }}
{#- Each user's running total per series at the end of every day they earned something. An individual
    target's value over [start, X] is the running total on X minus the one on the day before start (both
    read with an ASOF join: the last day on or before): exact DECIMAL sums, so the difference equals the sum
    of the days in between to the last digit. -#}
select
    user_id,
    metric_type,
    metric_field,
    currency,
    credit_date,
    daily_value,
    sum(daily_value) over (
        partition by user_id, metric_type, metric_field, currency
        order by credit_date
        rows between unbounded preceding and current row
    ) as value_to_date
from {{ ref('int_user_daily_values') }}
