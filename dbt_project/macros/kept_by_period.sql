{#- Mart rows kept from run to run, period by period (the `int_*_rows` models behind quota_progress,
    quotas, leaderboard, quota_rollups and quota_history).

    Every row of those marts carries the as-of date D, so a table holding them changes whole every day,
    though a daily run changes the values of the current month, quarter and year only: at M, writing
    1.6M rows per mart cost several times what computing them did. So the rows are stored without D (the
    mart is a view that adds it) and a run computes again only the periods whose rows can differ:
      - a period whose quotas' values changed: `int_period_value_fingerprints` sums a hash of every quota's
        value and week's change per period, and the basis keeps the sums the rows were computed from; or
        whose credit dates' ledger rows changed (what its teams' rollups are made of);
      - a period whose range meets [min(P, D) - 7, max(P, D)], P being the basis's as-of date: days
        elapsed and remaining, the pace, the reference day of the leaderboard's teams and whether the period
        is final depend on D only while D is inside or next to the range;
      - every period when anything else the rows read changed (the quota configuration, the users, the
        teams and memberships, the periods: their contents' fingerprint, also in
        `int_period_value_fingerprints`), or without a basis (first build, `--full-refresh`, another code
        version, dbt run by hand without one). A kept model that reads any other input is refused.
    The basis is `<model>_basis`, written by the model's post-hook in its own transaction, so it always
    describes the rows beside it. The pre-hooks delete the rows to compute again and mark the basis
    incomplete, each committed on its own, so a run that fails in between is followed by a full one. -#}

{#- What the kept rows may read besides the values and each other; int_period_value_fingerprints
    fingerprints their contents. -#}
{% macro kept_mart_static_inputs() -%}
    {{- return(['int_quotas_checked', 'int_users_checked', 'int_memberships_effective', 'int_teams_checked',
                'int_team_hierarchy', 'quota_periods']) -}}
{%- endmacro %}

{#- Inputs whose changes the fingerprints follow otherwise: the values and the kept rows themselves; the
    contexts and scope targets (functions of the quotas); the rollups' daily values (of the period's
    credit dates and the ledger's other inputs), the scopes they reach, numbered (a function of the
    valid teams) and the FX rates (one of those other inputs). -#}
{% macro _kept_mart_dynamic_inputs() -%}
    {{- return(['int_target_values', 'int_period_value_fingerprints', 'int_quota_progress_rows',
                'int_leaderboard_rows', 'int_target_contexts', 'int_scope_targets', 'int_rollup_daily_values',
                'int_rollup_receivers', 'int_fx_rates_daily']) -}}
{%- endmacro %}

{#- Refuses a kept model that reads something neither fingerprinted nor kept by period itself: its
    rows could change without any fingerprint saying so. -#}
{% macro _check_kept_mart_inputs() -%}
    {%- if model.resource_type != 'model' -%}
        {{- return('') -}}  {#- a unit test, given its inputs -#}
    {%- endif -%}
    {%- set known = kept_mart_static_inputs() + _kept_mart_dynamic_inputs() -%}
    {%- for parent in model.depends_on.nodes -%}
        {%- set parent_node = graph.nodes.get(parent) -%}
        {%- if parent_node is none or parent_node.name not in known -%}
            {{- exceptions.raise_compiler_error(model.unique_id ~ ' keeps rows by period but reads ' ~ parent
                ~ ', which macros/kept_by_period.sql does not know how to follow') -}}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- The basis of the kept rows ({'relation', 'as_of_date'}), or none when every period is computed again
    (no basis, another code version, dbt run by hand without one, `--full-refresh`). Its read opens a
    transaction, which is committed here: otherwise the `before_begin` pre-hooks, which call this, would
    run inside it, together with the model's own statements. -#}
{% macro period_rows_basis() -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- do _check_kept_mart_inputs() -%}
    {%- set code_version = env_var('DBT_QUOTAS_CODE_VERSION', '') -%}
    {%- if not is_incremental() or should_full_refresh() or code_version == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set relation = adapter.get_relation(database=this.database, schema=this.schema,
                                            identifier=this.identifier ~ '_basis') -%}
    {%- if relation is none or 'code_version' not in adapter.get_columns_in_relation(relation) | map(attribute='name') -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set rows = run_query('select distinct cast(as_of_date as varchar), code_version from ' ~ relation) -%}
    {%- do adapter.commit() -%}
    {%- if rows | length != 1 or rows[0][1] != code_version -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return({'relation': relation, 'as_of_date': rows[0][0]}) -}}
{%- endmacro %}

{#- The periods whose rows are computed again, given a basis: changed values, or a range near P or D. A
    period that is gone (in the basis only) is listed too, so its rows are deleted. -#}
{% macro _refreshed_periods(basis) -%}
    {%- set previous = "date '" ~ basis.as_of_date ~ "'" -%}
    select coalesce(now.period_id, kept.period_id) as period_id
    from {{ ref('int_period_value_fingerprints') }} as now
    full outer join {{ basis.relation }} as kept on kept.period_id = now.period_id
    where now.fingerprint is distinct from kept.fingerprint
        or now.value_count is distinct from kept.value_count
        or now.credit_dates_fingerprint is distinct from kept.credit_dates_fingerprint
        or now.inputs_fingerprint is distinct from kept.inputs_fingerprint
        or (now.end_date >= least({{ previous }}, {{ as_of_date() }}) - 7
            and now.start_date <= greatest({{ previous }}, {{ as_of_date() }}))
{%- endmacro %}

{#- A condition on a period id column: true for the rows a run computes (all of them without a basis). -#}
{% macro period_is_refreshed(period_column) -%}
    {%- set basis = period_rows_basis() -%}
    {%- if basis is none -%}
        true
    {%- else -%}
        {{ period_column }} in ({{ _refreshed_periods(basis) }})
    {%- endif -%}
{%- endmacro %}

{#- The first pre-hook: delete the rows the run computes again (every row without a basis). It runs, and
    commits, before the model's transaction (`before_begin`): DuckDB refuses to commit a transaction that
    deletes from a table and then adds a column to it (a new release's column). -#}
{% macro delete_refreshed_periods() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ period_is_refreshed('period_id') }}
    {%- endif -%}
{%- endmacro %}

{#- The second pre-hook, also committed on its own: the basis no longer describes the rows (some were just
    deleted), so a run that fails before the post-hook leaves a basis the next run will not use, and that
    run computes every period. The model's own query still reads the basis's fingerprints and date; an
    unusable basis, which it does not read, is dropped. -#}
{% macro invalidate_period_rows_basis() -%}
    {%- set basis = period_rows_basis() -%}
    {%- if basis is not none -%}
        update {{ basis.relation }} set code_version = 'incomplete'
    {%- elif is_incremental() -%}
        drop table if exists {{ this.incorporate(path={'identifier': this.identifier ~ '_basis'}) }}
    {%- endif -%}
{%- endmacro %}

{#- The post-hook: the basis of the rows just written, not yet usable (`unchecked`): the marts' tests look
    only at the periods this run computed (kept_periods_of_this_run), so the basis becomes usable only
    once they all passed (confirm_period_rows_bases, at the run's end). A run whose tests failed, did not
    run or did not finish leaves it unchecked, and the next run computes, and checks, every period. -#}
{% macro store_period_rows_basis() -%}
    create or replace table {{ this.incorporate(path={'identifier': this.identifier ~ '_basis'}) }} as
    select
        period_id,
        fingerprint,
        value_count,
        credit_dates_fingerprint,
        inputs_fingerprint,
        {{ as_of_date() }} as as_of_date,
        '{{ unchecked_code_version() }}' as code_version
    from {{ ref('int_period_value_fingerprints') }}
{%- endmacro %}

{% macro unchecked_code_version() -%}
    unchecked
{%- endmacro %}

{#- Each mart kept by period and the model its rows are kept in: the models of the marts_by_period folder
    (configured there as kept), each named int_<mart>_rows (orchestration/serving/kept_marts.py lists the
    same pairs; tests/test_dbt_project.py checks that they agree). -#}
{% macro kept_marts() -%}
    {%- set marts = {} -%}
    {%- for node in graph.nodes.values()
          if node.resource_type == 'model' and 'marts_by_period' in node.fqn
          and node.name.startswith('int_') and node.name.endswith('_rows') -%}
        {%- do marts.update({node.name[4:-5]: node.name}) -%}
    {%- endfor -%}
    {{- return(marts) -}}
{%- endmacro %}

{% macro _model_node(name) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {{- return(node) -}}
    {%- endfor -%}
    {{- return(none) -}}
{%- endmacro %}

{#- In a test of a kept mart (through get_where_subquery): a condition keeping the periods this invocation
    computed, when the mart's rows model is part of it; '' otherwise (every row is checked). Every other
    period's rows were written, and checked, by an earlier run: its basis is usable only after all the
    mart's tests passed. The marts' tests are row by row (not null, accepted values, bounds) or on keys
    that a period's rows cannot share with another period's: a quota's id belongs to its period, and
    which period a quota has, like the periods themselves, is among the inputs whose change makes a run
    compute every period. At M one more day's mart tests took ~1.6 s of the run's last seconds. -#}
{% macro kept_periods_of_this_run(relation) -%}
    {%- if not execute or relation.identifier is not defined or relation.schema is not defined -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set rows_model = kept_marts().get(relation.identifier) -%}
    {%- set mart_node = _model_node(relation.identifier) if rows_model else none -%}
    {%- if mart_node is none or mart_node.schema != relation.schema -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set rows_node = _model_node(rows_model) -%}
    {%- if rows_node is none or rows_node.unique_id not in selected_resources -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set rows = adapter.get_relation(database=rows_node.database, schema=rows_node.schema,
                                        identifier=rows_node.alias) -%}
    {%- if rows is none -%}
        {{- return('') -}}
    {%- endif -%}
    {#- the periods as literals: a semi-join on the rows' table still read every row of the mart (at M the
        uniqueness of quota_progress's ids 0.21 s whole, 0.08 s so, 0.03 s with the list) #}
    {%- set periods = run_query("select distinct period_id from " ~ rows ~ " where computed_by = '"
                                ~ invocation_id ~ "'").columns[0].values() -%}
    {%- set conditions = [] -%}
    {%- set named = periods | reject('none') | list -%}
    {%- if named -%}
        {%- set literals = [] -%}
        {%- for period in named -%}
            {%- do literals.append("'" ~ period | replace("'", "''") ~ "'") -%}
        {%- endfor -%}
        {%- do conditions.append('period_id in (' ~ literals | join(', ') ~ ')') -%}
    {%- endif -%}
    {%- if named | length < periods | length -%}
        {%- do conditions.append('period_id is null') -%}
    {%- endif -%}
    {{- return('(' ~ (conditions | join(' or ') or 'false') ~ ')') -}}
{%- endmacro %}

{#- At the run's end (on-run-end): the bases of the kept rows written by this run become usable once the
    model succeeded and every test of its mart ran and passed. -#}
{% macro confirm_period_rows_bases(results) -%}
    {%- set code_version = env_var('DBT_QUOTAS_CODE_VERSION', '') -%}
    {%- if execute and code_version != '' -%}
        {%- set status = {} -%}
        {%- for result in results -%}
            {%- do status.update({result.node.unique_id: result.status}) -%}
        {%- endfor -%}
        {%- for mart, rows_model in kept_marts().items() -%}
            {%- set mart_node = _model_node(mart) -%}
            {%- set rows_node = _model_node(rows_model) -%}
            {%- if mart_node is not none and rows_node is not none and status.get(rows_node.unique_id) == 'success' -%}
                {%- set unchecked = [] -%}
                {%- for node in graph.nodes.values()
                      if node.resource_type == 'test' and mart_node.unique_id in node.depends_on.nodes
                      and status.get(node.unique_id) != 'pass' -%}
                    {%- do unchecked.append(node.unique_id) -%}
                {%- endfor -%}
                {#- written by the model's post-hook in this run: not in dbt's cache of relations #}
                {%- set basis = api.Relation.create(database=rows_node.database, schema=rows_node.schema,
                                                    identifier=rows_node.alias ~ '_basis') -%}
                {%- if not unchecked -%}
                    {%- do run_query("update " ~ basis ~ " set code_version = '" ~ code_version
                                     ~ "' where code_version = '" ~ unchecked_code_version() ~ "'") -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{%- endmacro %}
