{{ config(materialized='reusable_table') }}
{#- The company calendar by UTC hour: for every hour that any deal, lead or activity falls in, the local
    date at the hour's start and the instant the next local day starts. A UTC hour holds at most one local
    midnight (a day is longer than an hour), so an instant's local date is one equality join on its hour
    and one comparison (see local_date_join in macros/company_settings.sql). It gives exactly the date of
    to_local_date (the time-zone conversion is done here, per hour, by the same function), at a fraction
    of its cost: converting 10M timestamps one by one takes seconds, this join a few hundred milliseconds. -#}
with

instants as (
    select min(closed_at) as first_instant, max(closed_at) as last_instant from {{ source('crm', 'deals') }}
    union all
    select min(created_at), max(created_at) from {{ source('crm', 'leads') }}
    union all
    select min(occurred_at), max(occurred_at) from {{ source('crm', 'activities') }}
),

bounds as (
    select
        {{ utc_hour('min(first_instant)') }} as first_hour,
        {{ utc_hour('max(last_instant)') }} as last_hour
    from instants
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
