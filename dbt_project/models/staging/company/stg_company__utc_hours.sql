{{ config(materialized='reusable_table') }}
{#- The company calendar by UTC hour: for every hour that any deal, lead or activity falls in, the local
    date at the hour's start and the instant the next local day starts. A UTC hour holds at most one local
    midnight (a day is longer than an hour), so an instant's local date is one equality join on its hour
    and one comparison (see local_date_join in macros/company_settings.sql). It gives exactly the date of
    to_local_date (the time-zone conversion is done here, per hour, by the same function), at a fraction
    of its cost: converting 10M timestamps one by one takes seconds, this join a few hundred milliseconds.

    The first and last hour are those of the load's change keys when it left them (the UTC hours of these
    same instants, macros/event_ledger.sql): at M, finding them in 100M activities took 1.6 s a day. After
    a PostgreSQL extract, which leaves none, the raw tables are read. -#}
{%- set dated_by = [('deals', 'closed_at'), ('leads', 'created_at'), ('activities', 'occurred_at')] %}
with

hours_of_each_table as (
{%- for table_name, instant_column in dated_by %}
    {%- set change_keys = _load_change_keys(table_name) %}
    {%- if change_keys is not none %}
    select min(change_key) as first_hour, max(change_key) as last_hour
    from {{ change_keys }}
    where table_name = '{{ table_name }}' and change_key > {{ undated_key_base() }}
    {%- else %}
    select
        {{ utc_hour('min(' ~ instant_column ~ ')') }} as first_hour,
        {{ utc_hour('max(' ~ instant_column ~ ')') }} as last_hour
    from {{ source('crm', table_name) }}
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
),

bounds as (
    select min(first_hour) as first_hour, max(last_hour) as last_hour from hours_of_each_table
),

hours as (
    select
        hours.utc_hour,
        {{ to_local_date('to_timestamp(hours.utc_hour * 3600)') }} as local_date
    from bounds, range(bounds.first_hour, bounds.last_hour + 1) as hours (utc_hour)
    where bounds.first_hour is not null
)

select
    utc_hour,
    local_date,
    timezone('{{ company_timezone() }}', cast(local_date + 1 as timestamp)) as next_day_starts_at
from hours
