{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where credit_date >= ({{ first_recomputed_date() }}){% endif %}",
) }}
{#- Each user's value earned per day in each of their series (int_user_series), and the running total at the
    end of every such day. A series is a user's credits of one metric key, in the currency an individual
    target of that key asks for (revenue only; counts and custom values carry no currency). One row per
    series and day, whatever the number of periods the day falls in: an individual target's value over
    [start, X] is the running total on X less the one on the day before start (both read with an ASOF join:
    the last day on or before), exact DECIMAL sums, so the difference equals the sum of the days in between
    to the last digit. Nothing is repeated per month, quarter and year. Unweighted: weights only shape what a
    user passes up to teams.

    The daily values are computed here rather than in a table of their own: only the running totals read
    them, and writing 19.5M rows at M to read them straight back cost more than it saved.

    Incremental: a total depends on nothing after its day, so a run keeps every day before the first date it
    recomputes (int_ledger_changed_dates), sums the credits of every day from there on, and continues each
    series from its last kept total. -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}
{#- A run that recomputes no date adds nothing: said as `false`, DuckDB reads neither the credits nor the kept
    totals (at M 0.85 s of query, 1.4 s in the run, for no row). -#}
{%- set recomputes_dates = true -%}
{%- if execute and is_incremental() -%}
    {%- set recomputes_dates = run_query(first_recomputed_date()).columns[0].values()[0] is not none -%}
{%- endif %}

with

series as (
    select * from {{ ref('int_user_series') }}
),

{#- Only days some target of the metric key covers: the rest can never be read, and have no FX rates. -#}
covered_days as (
    select distinct metric_type, metric_field, credit_date
    from {{ ref('int_context_days') }}
),

credits as (
    select credits.*
    from {{ ref('int_credits_daily') }} as credits
    inner join covered_days
        on covered_days.metric_type = credits.metric_type
        and covered_days.metric_field is not distinct from credits.metric_field
        and covered_days.credit_date = credits.credit_date
    {%- if not recomputes_dates %}
    where false
    {%- elif is_incremental() %}
    where credits.credit_date >= ({{ first_recomputed_date() }})
    {%- endif %}
),

matched as (
    select
        series.series_id,
        series.currency as series_currency,
        credits.credit_date,
        credits.currency,
        credits.credit_value
    from credits
    inner join series
        on series.user_id = credits.user_id
        and series.metric_type = credits.metric_type
        and series.metric_field is not distinct from credits.metric_field
),

{#- Only amounts (revenue) carry a currency; counts and custom values skip the two rate joins. -#}
converted as (
    select series_id, credit_date, credit_value
    from matched
    where currency is null

    union all

    select
        matched.series_id,
        matched.credit_date,
        {{ convert_currency(
            'matched.credit_value', 'matched.currency', 'matched.series_currency',
            'from_rate.rate_to_usd', 'to_rate.rate_to_usd') }} as credit_value
    from matched
    {{ fx_rate_joins('matched.currency', 'matched.series_currency', 'matched.credit_date') }}
    where matched.currency is not null
),

daily as (
    select
        series_id,
        credit_date,
        {{ exact_sum("credit_value") }} as daily_value
    from converted
    group by all
),

{%- if is_incremental() %}

kept_totals as (
    select series_id, arg_max(value_to_date, credit_date) as value_to_date
    from {{ this }}
    {%- if not recomputes_dates %}
    where false
    {%- endif %}
    group by series_id
),
{%- endif %}

running as (
    select
        series_id,
        credit_date,
        daily_value,
        sum(daily_value) over (
            partition by series_id
            order by credit_date
            rows between unbounded preceding and current row
        ) as value_to_date
    from daily
)

select
    running.series_id,
    running.credit_date,
    running.daily_value,
    {%- if is_incremental() %}
    running.value_to_date + coalesce(kept_totals.value_to_date, 0) as value_to_date
    {%- else %}
    running.value_to_date
    {%- endif %}
from running
{%- if is_incremental() %}
left join kept_totals on kept_totals.series_id = running.series_id
{%- endif %}
