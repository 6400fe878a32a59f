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

{#- The post-hook: the basis of the rows just written. -#}
{% macro store_period_rows_basis() -%}
    create or replace table {{ this.incorporate(path={'identifier': this.identifier ~ '_basis'}) }} as
    select
        period_id,
        fingerprint,
        value_count,
        credit_dates_fingerprint,
        inputs_fingerprint,
        {{ as_of_date() }} as as_of_date,
        '{{ env_var('DBT_QUOTAS_CODE_VERSION', '') }}' as code_version
    from {{ ref('int_period_value_fingerprints') }}
{%- endmacro %}
