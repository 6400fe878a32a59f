{#- Every row of `points` (a relation with series_id and lookup_day) with its series' running total at the
    end of lookup_day: the total of the last day on or before it that earned something, 0 when there is
    none. Callers put all their lookups in one relation. `totals` narrows the running totals read (e.g. to
    a few series), the whole table by default.

    The lookup days are few (the days before the periods start, the as-of date and the week before, the
    snapshot days), the running totals many (at M 19.5M rows). An ASOF join straight onto the totals sorts
    them all, series by series (at M ~2.2 s). So each total is first put in the bucket of the first lookup
    day on or after its day (a hash join with a small calendar), and only the last total of each series
    and bucket is kept: a day's lookup then finds, among those few, the last bucket on or before it, whose
    total is the last one on or before the day. The same totals to the last digit; at M 0.45-0.5 s less
    per read (target values: daily run 2.0-2.6 s -> 1.5-2.0 s, full build 5.0-5.1 s -> 4.5-4.6 s). -#}
{% macro running_totals_at(points, totals=none) -%}
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

    {#- Totals before the first lookup day go to its bucket; those after the last are never read. Joined on
        the day itself and given the first bucket after: joined on greatest(day, first lookup day) instead,
        the target values of one more day at M took 10.8 s rather than 1.4-2.2 s. -#}
    bucket_totals as (
        select
            totals.series_id,
            coalesce(day_buckets.bucket, (select min(lookup_day) from lookup_days)) as bucket,
            arg_max(totals.value_to_date, totals.credit_date) as value_to_date
        from {{ totals if totals is not none else ref('int_user_running_totals') }} as totals
        left join day_buckets on day_buckets.credit_date = totals.credit_date
        where totals.credit_date <= (select max(lookup_day) from lookup_days)
        group by all
    )

    select
        points.*,
        coalesce(bucket_totals.value_to_date, 0) as running_total
    from {{ points }} as points
    asof left join bucket_totals
        on bucket_totals.series_id = points.series_id
        and bucket_totals.bucket <= points.lookup_day
{%- endmacro %}
