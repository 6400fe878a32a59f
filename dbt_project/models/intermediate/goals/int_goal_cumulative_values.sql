{#- Each goal's cumulative value at the end of every day it earned something, up to D: the series the
    achievement day of the goal and of each of its milestones is read from. -#}
select
    target_id as goal_id,
    credit_date,
    sum(daily_value) over (
        partition by target_id order by credit_date rows between unbounded preceding and current row
    ) as value_to_date
from {{ ref('int_target_daily_values') }}
where target_kind = 'goal' and credit_date <= {{ as_of_date() }}
