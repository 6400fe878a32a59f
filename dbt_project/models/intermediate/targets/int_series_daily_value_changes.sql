{{ config(materialized='table', post_hook="{{ record_series_changes_basis() }}") }}
{#- The series' daily values a run changes: for every date it recomputes (int_ledger_changed_dates), the
    values computed again compared with the stored ones (int_series_daily_values, read by name: it is
    written from this table), one row per series and date that differ, with the new value (null where the
    series earns nothing that day any more) and the stored one it replaces (null where there was none).
    Empty on a first build or `--full-refresh`, which compute every date in int_series_daily_values
    itself. Its post-hook records the invocation and the series generation it compared with: int_target_values
    adds these differences to the values it kept only under the conditions of macros/valuation.sql.

    Why a difference and not the dates whole: a day's late changes reach 91 dates at M, whose 1.9M daily
    values the run would otherwise delete and write again, while only ~82,000 of them differ. -#}
-- depends_on: {{ ref('int_ledger_changed_dates') }}
{%- set stored = none -%}
{%- set recomputes_dates = false -%}
{%- if execute and not flags.FULL_REFRESH -%}
    {%- set stored = adapter.get_relation(database=this.database, schema=this.schema,
                                          identifier='int_series_daily_values') -%}
    {%- if stored is not none -%}
        {%- set recomputes_dates = run_query(first_recomputed_date()).columns[0].values()[0] is not none -%}
    {%- endif -%}
{%- endif %}
{%- if not recomputes_dates %}
{#- Nothing to compare (no stored values, or no date recomputed): said as `false`, nothing is read. #}
select
    series_id,
    credit_date,
    daily_value,
    cast(null as decimal(38, 9)) as previous_value
from ({{ series_daily_values('false') }})
{%- else %}
with

computed as (
    {{ series_daily_values('credits.credit_date in (' ~ recomputed_dates_sql() ~ ')') }}
),

stored as (
    select series_id, credit_date, daily_value
    from {{ stored }}
    where credit_date in ({{ recomputed_dates_sql() }})
)

select
    coalesce(computed.series_id, stored.series_id) as series_id,
    coalesce(computed.credit_date, stored.credit_date) as credit_date,
    computed.daily_value,
    stored.daily_value as previous_value
from computed
full outer join stored
    on stored.series_id = computed.series_id
    and stored.credit_date = computed.credit_date
where computed.daily_value is distinct from stored.daily_value
{%- endif %}
