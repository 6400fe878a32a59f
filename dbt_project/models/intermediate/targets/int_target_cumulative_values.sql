{#- Every target's running total at the end of each day it earned something. A running total up to day d
    depends on nothing after d, so the snapshots (up to their window's end) and the goals and milestones
    (up to D) read this one series. -#}
select
    target_kind,
    target_id,
    credit_date,
    sum(daily_value) over (
        partition by target_kind, target_id
        order by credit_date
        rows between unbounded preceding and current row
    ) as value_to_date
from {{ ref('int_target_daily_values') }}
