{{ config(materialized='table') }}
{#- Each goal's running total at the end of every day it earned something, up to D: the series the day a
    goal, and each of its milestones, was reached is read from. An individual goal's total is its series'
    running total less the one on the day before the goal starts; a team's or the company's is its own.
    A table, though it is small: goals and goal_milestones both read it, and as a view each read scanned
    every user's daily values for the goals' few series (at M, 19.5M rows, about 1 s per read). -#}
with

individual_goals as (
    select *, cast(start_date - interval 1 day as date) as lookup_day
    from {{ ref('int_individual_targets') }}
    where target_kind = 'goal'
),

{#- Goals are few: read only their series, and add their days up here. -#}
goal_series_totals as (
    select
        series_id,
        credit_date,
        daily_value,
        sum(daily_value) over (
            partition by series_id
            order by credit_date
            rows between unbounded preceding and current row
        ) as value_to_date
    from {{ ref('int_series_daily_values') }}
    where series_id in (select series_id from individual_goals)
),

individual_bases as (
    {{ running_totals_at('individual_goals', 'goal_series_totals') }}
),

individual_totals as (
    select
        goals.target_id as goal_id,
        totals.credit_date,
        totals.value_to_date - goals.running_total as value_to_date
    from individual_bases as goals
    inner join goal_series_totals as totals
        on totals.series_id = goals.series_id
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
