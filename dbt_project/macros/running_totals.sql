{#- Every row of `points` (a relation with series_id and lookup_day) with its series' running total at the
    end of lookup_day: the sum of its daily values up to that day, 0 when there is none. Callers put all
    their lookups in one relation. `totals` narrows the daily values read (e.g. to a few series), all of
    int_series_daily_values by default.

    The lookup days are few (the days before the periods start, the as-of date and the week before, the
    snapshot days), the daily values many (at M 19.5M rows). So each day's value is put in the bucket of
    the first lookup day on or after its day (a hash join with a small calendar) and summed per series and
    bucket; a running sum over each series' buckets then gives the total at the end of every bucket, and a
    day's lookup finds, among those few, the last bucket on or before it (an ASOF join). Exact DECIMAL
    sums: the same totals to the last digit as adding the days one by one.

    `relative=true` counts only the days after the first lookup day of `points`: every total is then
    smaller by the same amount, the total up to that day, so the difference between two lookups of one
    series is the same. Callers that only take such differences (a target's value: its total at a day less
    the one before its start) skip the older days: a daily run values the current year's targets, which
    look up from the year's start, so at M it reads 6.6M of 19.6M daily values (int_target_values
    1.5 s -> 1.1 s alone). -#}
{% macro running_totals_at(points, totals=none, relative=false) -%}
    with

    lookup_days as (
        select distinct lookup_day from {{ points }} where lookup_day is not null
    ),

    {#- Each day from the first lookup day to the last, with the first lookup day on or after it. -#}
    day_buckets as (
        select calendar.credit_date, min(lookup_days.lookup_day) as bucket
        from (
            select cast(unnest(generate_series(min(lookup_day), max(lookup_day), interval 1 day)) as date)
                as credit_date
            from lookup_days
        ) as calendar
        inner join lookup_days on lookup_days.lookup_day >= calendar.credit_date
        group by calendar.credit_date
    ),

    {#- Days before the first lookup day go to its bucket; those after the last are never read. Joined on
        the day itself and given the first bucket after: joined on greatest(day, first lookup day) instead,
        the target values of one more day at M took 10.8 s rather than 1.4-2.2 s. -#}
    bucket_sums as (
        select
            daily.series_id,
            coalesce(day_buckets.bucket, (select min(lookup_day) from lookup_days)) as bucket,
            {{ exact_sum('daily.daily_value') }} as bucket_value
        from {{ totals if totals is not none else ref('int_series_daily_values') }} as daily
        left join day_buckets on day_buckets.credit_date = daily.credit_date
        where daily.credit_date <= (select max(lookup_day) from lookup_days)
        {%- if relative %}
            and daily.credit_date > (select min(lookup_day) from lookup_days)
        {%- endif %}
        group by all
    ),

    bucket_totals as (
        select
            series_id,
            bucket,
            sum(bucket_value) over (
                partition by series_id
                order by bucket
                rows between unbounded preceding and current row
            ) as value_to_date
        from bucket_sums
    )

    select
        points.*,
        coalesce(bucket_totals.value_to_date, 0) as running_total
    from {{ points }} as points
    asof left join bucket_totals
        on bucket_totals.series_id = points.series_id
        and bucket_totals.bucket <= points.lookup_day
{%- endmacro %}
