{#- Each series' value earned per day (int_user_series: a user's credits of one metric key, in the currency
    an individual target of that key asks for), over the credit dates `dates_filter` keeps (a condition on
    `credits.credit_date`). Only days some target of the metric key covers: the rest can never be read, and
    have no FX rates. Unweighted: weights only shape what a user passes up to teams. Exact DECIMAL sums.
    Used by int_series_daily_values (every date, on a first build) and int_series_daily_value_changes (the
    dates a run recomputes, compared with the stored values). -#}
{% macro series_daily_values(dates_filter='true') -%}
    with

    series as (
        select * from {{ ref('int_user_series') }}
    ),

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
        where {{ dates_filter }}
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
    )

    select
        series_id,
        credit_date,
        {{ exact_sum("credit_value") }} as daily_value
    from converted
    group by all
{%- endmacro %}
