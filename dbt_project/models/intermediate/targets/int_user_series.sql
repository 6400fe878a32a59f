{{ config(materialized='reusable_table') }}
{#- Every series an individual target reads: a user, a metric key, and the target's currency for revenue
    (null for the other metrics, whose values carry no currency), numbered. The number makes the running
    totals' partitions and lookups integer-keyed. It depends on the targets alone, and a change of targets
    recomputes every date (int_ledger_changed_dates), so stored totals never outlive their numbering. -#}
select
    row_number() over (order by user_id, metric_type, metric_field, currency) as series_id,
    user_id,
    metric_type,
    metric_field,
    currency
from (
    select distinct
        scope_id as user_id,
        metric_type,
        metric_field,
        {{ series_currency('metric_type', 'currency') }} as currency
    from {{ ref('int_targets') }}
    where scope_type = 'individual'
)
