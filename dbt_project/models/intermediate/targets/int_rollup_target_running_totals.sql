{#- Every team and company target's running total at the end of each day it earned something: the series
    a backfill's snapshots and team and company goals are read from. A running total up to day d depends on
    nothing after d. -#}
select
    target_kind,
    target_id,
    credit_date,
    sum(daily_value) over (
        partition by target_kind, target_id
        order by credit_date
        rows between unbounded preceding and current row
    ) as value_to_date
from {{ ref('int_rollup_target_daily_values') }}
