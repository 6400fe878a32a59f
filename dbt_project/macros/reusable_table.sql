{#- `reusable_table`: a table that is rebuilt only when something it is made of changed.

    Most of the ledger is a function of the raw tables alone: the duplicate ids, the checked deals, the
    credits per user and day. A daily run on an unchanged source would rebuild them for nothing (at M most of
    a minute over 120M events). A reusable table's fingerprint is made of:
      - the code that builds the warehouse (DBT_QUOTAS_CODE_VERSION: every file of this project and the
        versions of dbt and DuckDB, set by the pipeline; unset, as with dbt by hand, nothing is reused);
      - the company settings (time zone, reporting currency);
      - the version of every raw table it reads, directly or through other models (`_ingest.raw_versions`,
        written by the load or the extract with the rows: a reloaded or changed table gets a new version);
        of a raw table a model names in its `meta.reads_only_the_columns_of` (the checked quotas read only
        which custom fields deals has), the names and types of its columns instead.
    The table is reused when the fingerprint equals the one it was built with, and that build was confirmed:
    its `dbt build` ended with the table and all of its tests passing (`confirm_reusable_tables`, run at the
    end of every invocation). A reused table's own tests are then skipped: they would test the same rows.

    What a reusable table may read is checked here: sources, seeds, views and other reusable tables, never a
    table whose contents depend on the warehouse's history (incremental models), and never the as-of date
    (tests/test_dbt_project.py follows the macros too). `--full-refresh` rebuilds it. -#}

{% macro _reuse_state_relation() -%}
    {{- return(api.Relation.create(database=target.database, schema='_dbt_state', identifier='table_fingerprints')) -}}
{%- endmacro %}

{#- A bookkeeping table of the project's own (in `_dbt_state`), created if it is missing. -#}
{% macro create_state_table(relation, columns) -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ' ~ relation.include(identifier=false)) -%}
        {%- do run_query('create table if not exists ' ~ relation ~ ' (' ~ columns ~ ')') -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{%- endmacro %}

{#- At the start of every invocation (on-run-start, one thread): the table the fingerprints are kept in. -#}
{% macro create_reuse_state() -%}
    {%- do create_state_table(_reuse_state_relation(),
                              'model varchar primary key, fingerprint varchar, confirmed boolean not null') -%}
{%- endmacro %}

{#- The raw tables' versions and the model's confirmed fingerprint, read in one query. -#}
{% macro _reuse_state(unique_id) -%}
    {%- set raw = adapter.get_relation(database=target.database, schema='_ingest', identifier='raw_versions') -%}
    {%- set versions = {} -%}
    {%- set query -%}
        select 'confirmed fingerprint' as kind, fingerprint as key, null as value
        from {{ _reuse_state_relation() }} where model = '{{ unique_id }}' and confirmed
        {%- if raw is not none %}
        union all
        select 'raw', table_name, version from {{ raw }}
        {%- endif %}
    {%- endset -%}
    {%- set state = {'versions': versions, 'confirmed': none} -%}
    {%- for row in run_query(query) -%}
        {%- if row[0] == 'confirmed fingerprint' -%}
            {%- do state.update({'confirmed': row[1]}) -%}
        {%- else -%}
            {%- do versions.update({row[1]: row[2]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(state) -}}
{%- endmacro %}

{#- The fingerprint of a reusable model's inputs; none when it cannot be known (then it is rebuilt). -#}
{% macro reuse_fingerprint(unique_id, versions) -%}
    {%- set code_version = env_var('DBT_QUOTAS_CODE_VERSION', '') -%}
    {%- if not execute or code_version == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set date_settings = ['macro.quotas.as_of_date', 'macro.quotas.snapshot_window_start',
                             'macro.quotas.snapshot_window_end'] -%}
    {%- set parts = ['code=' ~ code_version, 'timezone=' ~ company_timezone(), 'currency=' ~ reporting_currency()] -%}
    {%- set seen = {} -%}
    {%- set queue = [unique_id] -%}
    {%- for node_id in queue -%}
        {%- if node_id not in seen -%}
            {%- do seen.update({node_id: true}) -%}
            {%- if node_id in graph.sources -%}
                {%- set source_node = graph.sources[node_id] -%}
                {%- set version = versions.get(source_node.identifier) -%}
                {%- if version is none -%}
                    {{- return(none) -}}
                {%- endif -%}
                {%- do parts.append(node_id ~ '=' ~ version) -%}
            {%- else -%}
                {%- set node = graph.nodes[node_id] -%}
                {%- set materialized = node.config.materialized -%}
                {%- if node.resource_type == 'model' and materialized not in ['view', 'ephemeral', 'reusable_table'] -%}
                    {{- exceptions.raise_compiler_error(unique_id ~ ' is a reusable_table but reads ' ~ node_id
                        ~ ', a ' ~ materialized ~ ' model whose rows are not a function of its inputs alone') -}}
                {%- endif -%}
                {%- for macro_id in node.depends_on.macros if macro_id in date_settings -%}
                    {{- exceptions.raise_compiler_error(unique_id ~ ' is a reusable_table but ' ~ node_id
                        ~ ' reads the run date (' ~ macro_id ~ ')') -}}
                {%- endfor -%}
                {%- set columns_only = (node.config.get('meta') or {}).get('reads_only_the_columns_of', []) -%}
                {%- for parent in node.depends_on.nodes -%}
                    {%- set parent_source = graph.sources.get(parent) -%}
                    {%- if parent_source is not none
                          and parent_source.source_name ~ '.' ~ parent_source.name in columns_only -%}
                        {%- do parts.append(parent ~ '.columns=' ~ _column_signature(parent_source)) -%}
                    {%- else -%}
                        {%- do queue.append(parent) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(local_md5(parts | sort | join('|'))) -}}
{%- endmacro %}

{#- The names and types of a source table's columns: what a model that reads only its catalogue (which
    custom fields deals has, say) depends on, instead of the table's rows. -#}
{% macro _column_signature(source_node) -%}
    {%- set relation = api.Relation.create(database=source_node.database, schema=source_node.schema,
                                           identifier=source_node.identifier) -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do columns.append(column.name ~ ' ' ~ column.dtype) -%}
    {%- endfor -%}
    {{- return(columns | join(',')) -}}
{%- endmacro %}

{% macro _write_fingerprint(unique_id, fingerprint) -%}
    {%- if fingerprint is none -%}
        {%- do run_query("delete from " ~ _reuse_state_relation() ~ " where model = '" ~ unique_id ~ "'") -%}
    {%- else -%}
        {%- do run_query("insert or replace into " ~ _reuse_state_relation() ~ " values ('" ~ unique_id ~ "', '"
                         ~ fingerprint ~ "', false)") -%}
    {%- endif -%}
    {%- do adapter.commit() -%}
{%- endmacro %}

{% materialization reusable_table, adapter='duckdb' %}
    {%- set existing = load_cached_relation(this) -%}
    {%- set state = _reuse_state(model.unique_id) -%}
    {%- set fingerprint = reuse_fingerprint(model.unique_id, state.versions) -%}
    {%- if fingerprint is not none and existing is not none and existing.is_table and not should_full_refresh()
          and state.confirmed == fingerprint -%}
        {#- dbt's log line and run_results.json say REUSED instead of OK -#}
        {%- do store_raw_result(name='main', message='REUSED', code='REUSED', rows_affected=0) -%}
        {{ return({'relations': [this.incorporate(type='table')]}) }}
    {%- endif -%}
    {%- do _write_fingerprint(model.unique_id, none) -%}
    {%- set built = materialization_table_duckdb() -%}
    {%- do _write_fingerprint(model.unique_id, fingerprint) -%}
    {{ return(built) }}
{% endmaterialization %}

{#- At the end of a `dbt build`: a reusable table built in it, that passed, and whose tests all passed, is
    confirmed (reusable from now on). A failed test leaves it unconfirmed, so it is built and tested again. -#}
{% macro confirm_reusable_tables(results) -%}
    {%- if execute and flags.WHICH == 'build' -%}
        {%- set failed = {} -%}
        {%- for result in results if result.status not in ['success', 'pass'] -%}
            {%- do failed.update({result.node.unique_id: true}) -%}
            {%- for parent in result.node.depends_on.nodes -%}
                {%- do failed.update({parent: true}) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set passed = [] -%}
        {%- for result in results
              if result.node.resource_type == 'model' and result.node.config.materialized == 'reusable_table'
              and result.node.unique_id not in failed -%}
            {%- do passed.append("'" ~ result.node.unique_id ~ "'") -%}
        {%- endfor -%}
        {%- if passed -%}
            {%- do run_query('update ' ~ _reuse_state_relation() ~ ' set confirmed = true where model in ('
                             ~ passed | join(', ') ~ ')') -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- In a generic test: true when the tested relation is a reusable table that this run reused, its rows
    those of a build whose tests passed (a reused build is confirmed, a rebuilt one is not until the end). -#}
{% macro tests_already_passed(tested) -%}
    {%- if not execute or tested.identifier is not defined -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- for node in graph.nodes.values()
          if node.resource_type == 'model' and node.config.materialized == 'reusable_table'
          and node.alias == tested.identifier and node.schema == tested.schema -%}
        {%- set state = _reuse_state(node.unique_id) -%}
        {%- set fingerprint = reuse_fingerprint(node.unique_id, state.versions) -%}
        {{- return(fingerprint is not none and state.confirmed == fingerprint) -}}
    {%- endfor -%}
    {{- return(false) -}}
{%- endmacro %}
