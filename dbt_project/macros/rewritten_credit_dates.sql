{#- The credit dates whose daily credits some run rewrote since int_ledger_fingerprints was last stored:
    the dates int_ledger_changed_dates hashes again. Every other date's fingerprint is the stored one.
    Hashing every date's credits instead took 0.7-0.9 s of every daily run at M (21.9M rows), a day
    without changes included.

    The record must hold every rewrite, a failed run's too, or a date's stored fingerprint would outlive
    its credits and its daily values would never be computed again:
      - the three daily credit models record the dates they rewrite in the pre-hook that deletes them,
        before the delete (delete_event_rows_to_recompute), and every date when their ledger is rebuilt
        whole;
      - int_ledger_changed_dates reads the records up to the last one (`through`), hashes the credits of
        those dates, and hashes every date when a record says so, when a ledger was rebuilt whole (its
        daily table may have been created without the pre-hook), without stored fingerprints, or on
        `--full-refresh`;
      - int_ledger_fingerprints stores the new fingerprints and deletes the records up to `through` in
        one transaction (its post-hook). A run that fails anywhere before leaves its records, so the next
        run hashes those dates again;
      - a new record table starts with an every-date record: what earlier runs rewrote is unknown. -#}

{% macro rewritten_credit_dates_relation() -%}
    {{- return(api.Relation.create(database=target.database, schema='_dbt_state',
                                   identifier='rewritten_credit_dates')) -}}
{%- endmacro %}

{#- At the start of every invocation (on-run-start, one thread). -#}
{% macro create_rewritten_credit_dates() -%}
    {%- if execute -%}
        {%- set relation = rewritten_credit_dates_relation() -%}
        {%- if not relation_in_catalog(relation) -%}
            {%- set sequence = relation.include(identifier=false) ~ '.rewritten_credit_dates_record' -%}
            {%- do run_query('create schema if not exists ' ~ relation.include(identifier=false)) -%}
            {%- do run_query('create sequence if not exists ' ~ sequence) -%}
            {%- do run_query('create table ' ~ relation ~ " (record bigint default nextval('" ~ sequence
                             ~ "'), credit_date date, every_date boolean not null)") -%}
            {%- do run_query('insert into ' ~ relation ~ ' (credit_date, every_date) values (null, true)') -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The statement a daily credit model's pre-hook runs before its delete: the dates about to be rewritten
    (`recomputed_dates`, an event ledger's), or every date. -#}
{% macro record_rewritten_credit_dates(recomputed_dates, every_date) -%}
    insert into {{ rewritten_credit_dates_relation() }} (credit_date, every_date)
    {%- if every_date %}
    values (null, true)
    {%- else %}
    select distinct credit_date, false from {{ recomputed_dates }} where credit_date is not null
    {%- endif %}
{%- endmacro %}

{#- What int_ledger_changed_dates hashes again: {'through': the last record read, 'every_date': bool,
    'dates': the recorded dates}. Every date when the records cannot be read. -#}
{% macro rewritten_credit_dates() -%}
    {%- set relation = rewritten_credit_dates_relation() -%}
    {%- if not relation_in_catalog(relation) -%}
        {{- return({'through': none, 'every_date': true, 'dates': []}) -}}
    {%- endif -%}
    {%- set summary = run_query('select max(record), coalesce(bool_or(every_date), false) from ' ~ relation) -%}
    {%- set through = summary.columns[0].values()[0] -%}
    {%- set dates = run_query('select distinct credit_date::varchar from ' ~ relation ~ ' where record <= '
                              ~ (through if through is not none else 0) ~ ' and credit_date is not null order by 1') -%}
    {{- return({'through': through, 'every_date': summary.columns[1].values()[0],
                'dates': dates.columns[0].values()}) -}}
{%- endmacro %}

{#- int_ledger_fingerprints' post-hook: the records its fingerprints now cover are consumed. -#}
{% macro consume_rewritten_credit_dates(changed_dates) -%}
    delete from {{ rewritten_credit_dates_relation() }}
    where record <= (select max(rewrites_recorded_through) from {{ changed_dates }})
{%- endmacro %}
