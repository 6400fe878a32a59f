{#- Every target's value as of D and over the week to D. Only days on or before D count, and only days
    inside the target's range (the daily values hold nothing else). -#}
with

daily_values as (
    select * from {{ ref('int_target_daily_values') }}
),

values_as_of as (
    select
        target_kind,
        target_id,
        sum(daily_value) filter (where credit_date <= {{ as_of_date() }}) as current_value,
        sum(daily_value) filter (
            where credit_date <= {{ as_of_date() }} and credit_date > {{ as_of_date() }} - 7
        ) as week_delta
    from daily_values
    group by all
)

select
    targets.target_kind,
    targets.target_id,
    coalesce(values_as_of.current_value, 0) as current_value,
    coalesce(values_as_of.week_delta, 0) as week_delta
from {{ ref('int_targets') }} as targets
left join values_as_of
    on values_as_of.target_kind = targets.target_kind and values_as_of.target_id = targets.target_id
