{{ config(materialized='table') }}
{#- Per quota period, a fingerprint of its quotas' values as of D (a sum of hashes of each quota's value
    and week's change) and their count, and one of the ledger's credit dates in its range (what its teams'
    rollups are summed from); and, the same on every row, a fingerprint of everything else the kept mart
    rows read (the quota configuration, the users, the teams and their tree, the memberships, the periods:
    a sum of hashes of their whole rows, about 0.2 s at M; and the ledger's other inputs). The marts
    kept by period (macros/kept_by_period.sql) compute a period again when its fingerprints differ from
    the ones its rows were computed from, and every period when the other inputs' does. A table: five
    models read it twice each. -#}
with

inputs as (
    {%- for name in kept_mart_static_inputs() %}
    select '{{ name }}' as input, count(*) as row_count, coalesce(sum(hash(rows)), 0) as fingerprint
    from {{ ref(name) }} as rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

{#- The ledger's other inputs of a daily value (targets, weights, memberships, rates...): the row of
    int_ledger_changed_dates without a date. -#}
inputs_fingerprint as (
    select md5(
        string_agg(input || ':' || row_count || ':' || fingerprint, '|' order by input)
        || '|ledger:' || coalesce((
            select cast(fingerprint as varchar) from {{ ref('int_ledger_changed_dates') }} where credit_date is null
        ), '')
    ) as fingerprint
    from inputs
),

periods as (
    select distinct period_id, start_date, end_date
    from {{ ref('int_targets') }}
    where target_kind = 'quota'
),

{#- What the rollups of a period are made of: the ledger's rows of the credit dates in its range. -#}
credit_dates as (
    select periods.period_id, sum(dates.fingerprint) as fingerprint, count(*) as date_count
    from periods
    inner join {{ ref('int_ledger_changed_dates') }} as dates
        on dates.credit_date between periods.start_date and periods.end_date
    where dates.fingerprint is not null
    group by periods.period_id
),

{#- The values carry their quota's period: joined to the targets by key instead, the 1.6M values took a
    hash join of 1.6M targets at every run (at M ~0.3 s alone). -#}
values_per_period as (
    select
        values_as_of.period_id,
        any_value(periods.start_date) as start_date,
        any_value(periods.end_date) as end_date,
        sum(hash(values_as_of.target_id, values_as_of.current_value, values_as_of.week_delta)) as fingerprint,
        count(*) as value_count
    from {{ ref('int_target_values') }} as values_as_of
    inner join periods on periods.period_id = values_as_of.period_id
    where values_as_of.target_kind = 'quota'
    group by values_as_of.period_id
)

select
    values_per_period.period_id,
    values_per_period.start_date,
    values_per_period.end_date,
    values_per_period.fingerprint,
    values_per_period.value_count,
    md5(coalesce(cast(credit_dates.fingerprint as varchar), '') || ':' || coalesce(credit_dates.date_count, 0))
        as credit_dates_fingerprint,
    inputs_fingerprint.fingerprint as inputs_fingerprint
from values_per_period
left join credit_dates on credit_dates.period_id = values_per_period.period_id
cross join inputs_fingerprint
