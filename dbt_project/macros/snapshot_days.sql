{#- A fingerprint of every day of the snapshot history, kept beside it in `_dbt_state.quota_snapshot_days`.

    The serving copy (orchestration/serving/serving_copy.py) compares these with the ones it published last
    time and copies only the days that differ, so publishing a daily run costs one day of snapshots however
    long the history is (copying a year of history at S took about 6 s of a 13 s snapshot run).

    quota_snapshots' post-hook, in the model's own transaction: the days of the run's window are summed
    again (a run deletes and writes exactly those days); when the model was just created, or the state is
    missing (a warehouse built before this existed), every day is. A day without rows has no row here. -#}

{% macro snapshot_days_relation() -%}
    {{- return(api.Relation.create(database=this.database, schema='_dbt_state', identifier='quota_snapshot_days')) -}}
{%- endmacro %}

{% macro _snapshot_day_fingerprints(where) -%}
    select
        snapshot_date,
        count(*) as row_count,
        sum(cast(hash(*columns(*)) as hugeint)) as fingerprint
    from {{ this }}
    where {{ where }}
    group by snapshot_date
{%- endmacro %}

{% macro store_snapshot_days() -%}
    {%- set state = snapshot_days_relation() -%}
    {%- set existing = adapter.get_relation(database=state.database, schema=state.schema,
                                            identifier=state.identifier) if execute else none -%}
    {%- set window = 'snapshot_date between ' ~ snapshot_window_start() ~ ' and ' ~ snapshot_window_end() -%}
    create schema if not exists {{ state.include(identifier=false) }};
    {%- if is_incremental() and existing is not none %}
    delete from {{ state }} where {{ window }};
    insert into {{ state }} {{ _snapshot_day_fingerprints(window) }};
    {%- else %}
    create or replace table {{ state }} as {{ _snapshot_day_fingerprints('true') }};
    {%- endif %}
{%- endmacro %}
