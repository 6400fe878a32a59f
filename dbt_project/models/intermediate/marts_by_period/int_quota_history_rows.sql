{#- How each rep did in every period that has started by D: the final value for periods that are over,
    the value so far for the current ones, with the rank the rep had in that period and metric. The rows
    of the quota_history mart without D, kept by period (macros/kept_by_period.sql; configured for the
    folder in dbt_project.yml). -#}
select
    board.period_id,
    periods.name as period_name,
    periods.period_type,
    periods.start_date,
    periods.end_date,
    board.metric_type,
    board.metric_field,
    board.quota_id,
    board.user_id,
    board.user_name,
    board.team_id,
    board.current_value as final_value,
    board.target_value,
    board.attainment_percent,
    board.rank,
    board.currency,
    periods.end_date < {{ as_of_date() }} as is_final,
    board.computed_as_of,
    '{{ invocation_id }}' as computed_by
from {{ ref('int_leaderboard_rows') }} as board
inner join {{ ref('quota_periods') }} as periods on periods.id = board.period_id
where periods.start_date <= {{ as_of_date() }} and {{ period_is_refreshed('board.period_id') }}
