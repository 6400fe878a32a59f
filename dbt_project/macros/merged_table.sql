{#- `merged_table`: a table whose new rows are computed whole, but written only where they changed.

    The large marts (quota_progress, quotas, leaderboard, quota_rollups: 1.6M rows each at M) are cheap to
    compute and costly to write: at M quota_progress is computed in 0.35 s and written in about 1.3 s, and
    a daily run changes about a tenth of its rows (the current periods), and the as-of date of all of them.
    So the new result goes to a temporary table; each row is hashed without the `refreshed_columns` (the
    as-of date, the same on every row) and compared, by a hash of its `merge_key`, with the stored row;
    the stored rows whose key's rows differ are deleted and the new rows of those keys inserted, and the
    refreshed columns are set on every row at once. The table then holds exactly the new result: for each
    key hash, its rows (as a multiset: the sum of their hashes and their count) are either the same as the
    new ones or replaced by them; a key that is not unique, or two keys with the same hash, only make more
    rows count as changed. A missed change would need a changed row whose 64-bit hash sums to the same.

    It is rebuilt whole on the first build, on --full-refresh, when the columns change, when the
    refreshed columns are not the same on every new row, and when most rows changed (then a rewrite is
    cheaper). -#}

{% macro _merged_columns(relation) -%}
    {%- set columns = [] -%}
    {%- for row in run_query('describe ' ~ relation) -%}
        {%- do columns.append({'name': row[0], 'type': row[1]}) -%}
    {%- endfor -%}
    {{- return(columns) -}}
{%- endmacro %}

{% macro _hash_of(columns, alias) -%}
    hash({%- for column in columns -%}{{ alias }}.{{ adapter.quote(column) }}{%- if not loop.last %}, {% endif -%}{%- endfor -%})
{%- endmacro %}

{#- Per hash of the key: the sum of its rows' hashes and their count (a multiset of rows). -#}
{% macro _rows_per_key(relation, merge_key, compared) -%}
    select {{ _hash_of(merge_key, 'r') }} as key_hash, sum(cast({{ _hash_of(compared, 'r') }} as hugeint)) as rows_hash,
        count(*) as row_count
    from {{ relation }} as r
    group by 1
{%- endmacro %}

{% materialization merged_table, adapter='duckdb' %}
    {%- set merge_key = config.require('merge_key') -%}
    {%- set refreshed = config.get('refreshed_columns', []) -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- if existing is none or not existing.is_table or should_full_refresh() -%}
        {{ return(materialization_table_duckdb()) }}
    {%- endif -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- set target = this.incorporate(type='table') -%}
    {%- set staged = this.identifier ~ '__merged_new' -%}
    {%- set changed_keys = this.identifier ~ '__merged_changed' -%}
    {%- do run_query('create or replace temp table ' ~ staged ~ ' as (' ~ sql ~ ')') -%}

    {%- set new_columns = _merged_columns(staged) -%}
    {%- set compared = [] -%}
    {%- for column in new_columns if column.name not in refreshed -%}
        {%- do compared.append(column.name) -%}
    {%- endfor -%}
    {%- set constant_refreshed = true -%}
    {%- if refreshed | length > 0 -%}
        {%- set distinct_values = run_query('select count(*) from (select distinct ' ~ refreshed | join(', ')
                                            ~ ' from ' ~ staged ~ ')').columns[0].values()[0] -%}
        {%- set constant_refreshed = distinct_values <= 1 -%}
    {%- endif -%}
    {%- set rewrite = new_columns != _merged_columns(target) or not constant_refreshed -%}

    {%- if not rewrite -%}
        {%- do run_query(
            'create or replace temp table ' ~ changed_keys ~ ' as'
            ~ ' select coalesce(new_rows.key_hash, kept_rows.key_hash) as key_hash'
            ~ ' from (' ~ _rows_per_key(staged, merge_key, compared) ~ ') as new_rows'
            ~ ' full outer join (' ~ _rows_per_key(target, merge_key, compared) ~ ') as kept_rows'
            ~ ' on kept_rows.key_hash = new_rows.key_hash'
            ~ ' where kept_rows.rows_hash is distinct from new_rows.rows_hash'
            ~ ' or kept_rows.row_count is distinct from new_rows.row_count') -%}
        {%- set counts = run_query('select (select count(*) from ' ~ changed_keys ~ '), (select count(*) from '
                                   ~ staged ~ ')') -%}
        {%- set rewrite = counts[0][0] * 2 > counts[0][1] -%}
    {%- endif -%}

    {%- if rewrite -%}
        {%- call statement('main') -%}
            create or replace table {{ target }} as select * from {{ staged }}
        {%- endcall -%}
    {%- else -%}
        {%- do run_query('delete from ' ~ target ~ ' as t where ' ~ _hash_of(merge_key, 't')
                         ~ ' in (select key_hash from ' ~ changed_keys ~ ')') -%}
        {%- set written = run_query(
            'insert into ' ~ target ~ ' by name select * from ' ~ staged ~ ' as s where ' ~ _hash_of(merge_key, 's')
            ~ ' in (select key_hash from ' ~ changed_keys ~ ')').columns[0].values()[0] -%}
        {#- dbt's log line and run_results.json say MERGED and how many rows were written -#}
        {%- do store_raw_result(name='main', message='MERGED ' ~ written, code='MERGED', rows_affected=written) -%}
        {%- if refreshed | length > 0 -%}
            {%- set assignments = [] -%}
            {%- for column in refreshed -%}
                {%- do assignments.append(adapter.quote(column) ~ ' = (select any_value(' ~ adapter.quote(column)
                                          ~ ') from ' ~ staged ~ ')') -%}
            {%- endfor -%}
            {%- set differs = [] -%}
            {%- for column in refreshed -%}
                {%- do differs.append(adapter.quote(column) ~ ' is distinct from (select any_value('
                                      ~ adapter.quote(column) ~ ') from ' ~ staged ~ ')') -%}
            {%- endfor -%}
            {%- do run_query('update ' ~ target ~ ' set ' ~ assignments | join(', ') ~ ' where ' ~ differs | join(' or ')) -%}
        {%- endif -%}
    {%- endif -%}
    {%- do run_query('drop table if exists ' ~ changed_keys) -%}
    {%- do run_query('drop table if exists ' ~ staged) -%}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmaterialization %}
