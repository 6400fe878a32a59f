{#- Each goal's running total at the end of every day it earned something, up to D: the series the day
    a goal, and each of its milestones, was reached is read from. -#}
select target_id as goal_id, credit_date, value_to_date
from {{ ref('int_target_cumulative_values') }}
where target_kind = 'goal' and credit_date <= {{ as_of_date() }}
