{{ config(materialized='table') }}
{#- Each goal's running total at the end of every day it earned something, up to D: the series the day a
    goal, and each of its milestones, was reached is read from. An individual goal's total is its series'
    days added up from the goal's start; a team's or the company's is its own running total.
    A table, though it is small: goals and goal_milestones both read it, and as a view each read scanned
    every user's daily values for the goals' few series (at M, 19.5M rows, about 1 s per read). -#}
with

individual_goals as (
    select *
    from {{ ref('int_individual_targets') }}
    where target_kind = 'goal'
),

{#- An individual goal's total on a day is its series' days added up from the goal's start. Only the days
    from the first goal's start to D are read (at M, of 19.5M daily values for 14 series). -#}
goal_days as (
    {{ days_to_as_of('start_date', 'individual_goals') }}
),

individual_days as (
    select goals.target_id as goal_id, daily.credit_date, daily.daily_value
    from individual_goals as goals
    inner join (
        select * from {{ ref('int_series_daily_values') }}
        semi join goal_days using (credit_date)
    ) as daily
        on daily.series_id = goals.series_id
        and daily.credit_date between goals.start_date and least(goals.end_date, {{ as_of_date() }})
),

individual_totals as (
    select
        goal_id,
        credit_date,
        sum(daily_value) over (
            partition by goal_id
            order by credit_date
            rows between unbounded preceding and current row
        ) as value_to_date
    from individual_days
),

rollup_totals as (
    select target_id as goal_id, credit_date, value_to_date
    from {{ ref('int_rollup_target_running_totals') }}
    where target_kind = 'goal' and credit_date <= {{ as_of_date() }}
)

select * from individual_totals
union all
select * from rollup_totals
