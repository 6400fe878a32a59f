{#- Each goal's running total at the end of every day it earned something, up to D: the series the day a
    goal, and each of its milestones, was reached is read from. An individual goal's total is its user's
    running total less the one on the day before the goal starts; a team's or the company's is its own. -#}
with

individual_goals as (
    select *, cast(start_date - interval 1 day as date) as day_before_start
    from {{ ref('int_individual_targets') }}
    where target_kind = 'goal'
),

individual_bases as (
    {{ with_running_total_on('individual_goals', 'day_before_start', 'total_before_start') }}
),

individual_totals as (
    select
        goals.target_id as goal_id,
        totals.credit_date,
        totals.value_to_date - goals.total_before_start as value_to_date
    from individual_bases as goals
    inner join {{ ref('int_user_running_totals') }} as totals
        on {{ same_series('totals', 'goals') }}
        and totals.credit_date between goals.start_date and least(goals.end_date, {{ as_of_date() }})
),

rollup_totals as (
    select target_id as goal_id, credit_date, value_to_date
    from {{ ref('int_rollup_target_running_totals') }}
    where target_kind = 'goal' and credit_date <= {{ as_of_date() }}
)

select * from individual_totals
union all
select * from rollup_totals
