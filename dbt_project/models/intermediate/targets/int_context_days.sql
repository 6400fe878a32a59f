{{ config(materialized='reusable_table') }}
{#- Every day of every context. Joining daily credits to this on (metric key, day) is an equality join,
    which stays cheap where a date-range join against periods would not. -#}
select
    context_id,
    metric_type,
    metric_field,
    context_key,
    cast(unnest(generate_series(start_date, end_date, interval 1 day)) as date) as credit_date
from {{ ref('int_target_contexts') }}
