{{ config(materialized='reusable_table') }}
{#- Every context with at least one valid target at any level: a quota period or a goal's date range,
    with a metric key. Rollups exist per context.

    `context_key` numbers the contexts, so that the rollups' daily values (at M 11.5M rows) are grouped,
    stored and joined on one small integer instead of three names. The numbers follow the contexts' order
    and are only meaningful beside this table: a change of the set of contexts changes int_context_days,
    which carries them, and the ledger then recomputes every rollup (int_ledger_changed_dates).

    A table of a few hundred rows rather than a view, so that the planner knows how few contexts there
    are: from the view it estimated the 1.6M targets they are drawn from, and the rollups' join of users'
    weights to their contexts' ranges then built its hash table on the 21.7M daily credits instead of on
    the 28,000 weights (at M ~6 s of the full build instead of ~0.8 s). -#}
select
    context_id,
    context_kind,
    period_id,
    start_date,
    end_date,
    metric_type,
    metric_field,
    row_number() over (order by context_id, metric_type, metric_field) as context_key
from (
    select distinct
        context_id,
        target_kind as context_kind,
        period_id,
        start_date,
        end_date,
        metric_type,
        metric_field
    from {{ ref('int_targets') }}
)
