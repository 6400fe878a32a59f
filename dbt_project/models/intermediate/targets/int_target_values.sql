{#- Every target's value as of D and over the week to D. Only days on or before D count, and only days
    inside the target's range. An individual target's value is a difference of its user's running totals
    (on min(D, end) and on the day before its start); a team's or the company's is a sum of its daily values
    (which hold nothing outside the range). -#}
with

individual_targets as (
    select
        *,
        least({{ as_of_date() }}, end_date) as value_through,
        least({{ as_of_date() }} - 7, end_date) as week_before_through,
        cast(start_date - interval 1 day as date) as day_before_start
    from {{ ref('int_individual_targets') }}
),

before_start as (
    {{ with_running_total_on('individual_targets', 'day_before_start', 'total_before_start') }}
),

through_as_of as (
    {{ with_running_total_on('before_start', 'value_through', 'total_through_as_of') }}
),

through_week_before as (
    {{ with_running_total_on('through_as_of', 'week_before_through', 'total_through_week_before') }}
),

individual_values as (
    select
        target_kind,
        target_id,
        case when value_through >= start_date then total_through_as_of - total_before_start else 0 end
            as current_value,
        case when week_before_through >= start_date then total_through_week_before - total_before_start else 0 end
            as value_week_before
    from through_week_before
),

rollup_values as (
    select
        target_kind,
        target_id,
        sum(daily_value) filter (where credit_date <= {{ as_of_date() }}) as current_value,
        sum(daily_value) filter (
            where credit_date <= {{ as_of_date() }} and credit_date > {{ as_of_date() }} - 7
        ) as week_delta
    from {{ ref('int_rollup_target_daily_values') }}
    group by all
),

values_as_of as (
    select target_kind, target_id, current_value, current_value - value_week_before as week_delta
    from individual_values
    union all
    select target_kind, target_id, current_value, week_delta
    from rollup_values
)

select
    targets.target_kind,
    targets.target_id,
    coalesce(values_as_of.current_value, 0) as current_value,
    coalesce(values_as_of.week_delta, 0) as week_delta
from {{ ref('int_targets') }} as targets
left join values_as_of
    on values_as_of.target_kind = targets.target_kind and values_as_of.target_id = targets.target_id
