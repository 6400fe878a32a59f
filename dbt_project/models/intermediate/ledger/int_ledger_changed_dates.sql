{{ config(materialized='table') }}
{#- The credit dates whose daily values this run recomputes: what makes the daily-value models incremental.

    Each credit date's ledger rows are summed into a fingerprint (a sum of row hashes), and so is everything
    else a daily value depends on (targets and their weights, memberships, team path weights, periods' days,
    FX rates, the reporting currency). A date is recomputed when its fingerprint differs from the one stored
    by the last run (int_ledger_fingerprints): a new day, a late or changed deal's close date, and the date a
    changed row used to have. When the other inputs changed, every date is recomputed. Daily values of a date
    depend on nothing but that date's credits and those inputs, so recomputing exactly these dates gives the
    same tables as a full refresh. The stored fingerprints are read by name, not ref: they are written after
    the daily values, at the end of the same run.

    Only the dates some run rewrote since then are hashed again (macros/rewritten_credit_dates.sql says
    how every rewrite is recorded); every other date keeps its stored fingerprint. `rewrites_recorded_through`
    is the last record read, which int_ledger_fingerprints consumes as it stores these fingerprints. -#}
-- depends_on: {{ ref('int_deal_ledger_changes') }}
-- depends_on: {{ ref('int_lead_ledger_changes') }}
-- depends_on: {{ ref('int_activity_ledger_changes') }}
{%- set stored = none -%}
{%- set rewritten = {'through': none, 'every_date': true, 'dates': []} -%}
{%- if execute -%}
    {%- set stored = adapter.get_relation(database=this.database, schema=this.schema,
                                          identifier='int_ledger_fingerprints') -%}
    {%- set rewritten = rewritten_credit_dates() -%}
{%- endif -%}
{%- set hash_every_date = stored is none or flags.FULL_REFRESH or rewritten.every_date
    or rewritten.dates | length > 1000
    or event_ledger_full_rebuild(ref('int_deal_ledger_changes'))
    or event_ledger_full_rebuild(ref('int_lead_ledger_changes'))
    or event_ledger_full_rebuild(ref('int_activity_ledger_changes')) %}
{#- The credit rows hashed again: all of them, those of the recorded dates, or none. #}
{%- if hash_every_date %}
    {%- set hashed = 'true' %}
{%- elif rewritten.dates | length > 0 %}
    {%- set hashed -%}
        credit_date in ({% for day in rewritten.dates %}date '{{ day }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endset %}
{%- else %}
    {%- set hashed = 'false' %}
{%- endif %}
with

hashed_dates as (
    select
        credit_date,
        sum(cast(hash(user_id, metric_type, metric_field, currency, credit_value, credit_count) as hugeint))
            as fingerprint
    from {{ ref('int_credits_daily') }}
    where {{ hashed }}
    group by credit_date
),

current_inputs as (
    select
        (select coalesce(sum(cast(hash(t) as hugeint)), 0) from {{ ref('int_targets') }} as t)
        + (select coalesce(sum(cast(hash(t) as hugeint)), 0) from {{ ref('int_scope_targets') }} as t)
        + (select coalesce(sum(cast(hash(t) as hugeint)), 0) from {{ ref('int_memberships_effective') }} as t)
        + (select coalesce(sum(cast(hash(t) as hugeint)), 0) from {{ ref('int_team_path_weights') }} as t)
        + (select coalesce(sum(cast(hash(t) as hugeint)), 0) from {{ ref('int_context_days') }} as t)
        + (select coalesce(sum(cast(hash(t) as hugeint)), 0) from {{ ref('int_fx_rates_daily') }} as t)
        + cast(hash({{ reporting_currency() }}) as hugeint) as fingerprint
),

{%- if stored is none %}

previous_dates as (
    select cast(null as date) as credit_date, cast(null as hugeint) as fingerprint where false
),

previous_inputs as (
    select cast(null as hugeint) as fingerprint where false
),
{%- else %}

previous_dates as (
    select credit_date, fingerprint from {{ stored }} where credit_date is not null
),

previous_inputs as (
    select fingerprint from {{ stored }} where credit_date is null
),
{%- endif %}

{#- The hashed dates, and every other date as the last run stored it. #}
current_dates as (
    select credit_date, fingerprint from hashed_dates
    {%- if not hash_every_date %}
    union all
    select credit_date, fingerprint from previous_dates where not ({{ hashed }})
    {%- endif %}
),

inputs_changed as (
    select not exists (
        select 1 from previous_inputs, current_inputs where previous_inputs.fingerprint = current_inputs.fingerprint
    ) as changed
)

select
    coalesce(current_dates.credit_date, previous_dates.credit_date) as credit_date,
    current_dates.fingerprint,
    inputs_changed.changed or current_dates.fingerprint is distinct from previous_dates.fingerprint
        as needs_recompute,
    cast(null as bigint) as rewrites_recorded_through
from current_dates
full outer join previous_dates on previous_dates.credit_date = current_dates.credit_date
cross join inputs_changed

union all

select
    null,
    current_inputs.fingerprint,
    inputs_changed.changed,
    cast({{ rewritten.through if rewritten.through is not none else 'null' }} as bigint)
from current_inputs
cross join inputs_changed
