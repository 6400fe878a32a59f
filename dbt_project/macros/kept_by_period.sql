{#- Mart rows kept from run to run, period by period (the `int_*_rows` models behind quota_progress,
    quotas, leaderboard and quota_history).

    Every row of those marts carries the as-of date D, so a table holding them changes whole every day,
    though a daily run changes the values of the current month, quarter and year only: at M, writing
    1.6M rows per mart cost several times what computing them did. So the rows are stored without D (the
    mart is a view that adds it) and a run computes again only the periods whose rows can differ:
      - a period whose quotas' values changed: `int_period_value_fingerprints` sums a hash of every quota's
        value and week's change per period, and the basis keeps the sums the rows were computed from;
      - a period whose range meets [min(P, D) - 7, max(P, D)], P being the basis's as-of date: days
        elapsed and remaining, the pace, the reference day of the leaderboard's teams and whether the period
        is final depend on D only while D is inside or next to the range;
      - every period when anything else the rows read changed (the quota configuration, the users, the
        teams and memberships, the periods: `static_inputs_fingerprint`), without a basis (first build,
        `--full-refresh`, dbt run by hand without the code version), or when the model reads an input the
        guard below does not know.
    The basis is `<model>_basis`, written by the model's post-hook in its own transaction, so it always
    describes the rows beside it. -#}

{#- What the kept rows may read besides the values and each other: models whose rows are a function of
    the raw tables alone (checked by reuse_fingerprint, which refuses anything incremental or dated). -#}
{% macro _period_rows_static_inputs() -%}
    {{- return(['int_quotas_checked', 'int_users_checked', 'int_memberships_effective', 'int_teams_checked',
                'quota_periods']) -}}
{%- endmacro %}

{% macro _period_rows_dynamic_inputs() -%}
    {{- return(['int_target_values', 'int_period_value_fingerprints', 'int_quota_progress_rows',
                'int_leaderboard_rows']) -}}
{%- endmacro %}

{#- The fingerprint of the static inputs, or '' when it cannot be known (then nothing is kept). Refuses a
    model that reads something that is neither static nor covered by the period fingerprints. -#}
{% macro static_inputs_fingerprint() -%}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set static = _period_rows_static_inputs() -%}
    {%- set known = static + _period_rows_dynamic_inputs() -%}
    {%- for parent in model.depends_on.nodes -%}
        {%- set parent_node = graph.nodes.get(parent) -%}
        {%- if parent_node is none or parent_node.name not in known -%}
            {{- exceptions.raise_compiler_error(model.unique_id ~ ' keeps rows by period but reads ' ~ parent
                ~ ', which macros/kept_by_period.sql does not know how to follow') -}}
        {%- endif -%}
    {%- endfor -%}
    {%- set versions = _reuse_state(model.unique_id).versions -%}
    {%- set parts = [] -%}
    {%- for name in static -%}
        {%- set fingerprint = reuse_fingerprint('model.quotas.' ~ name, versions) -%}
        {%- if fingerprint is none -%}
            {{- return('') -}}
        {%- endif -%}
        {%- do parts.append(fingerprint) -%}
    {%- endfor -%}
    {{- return(local_md5(parts | join('|'))) -}}
{%- endmacro %}

{#- The basis of the kept rows ({'relation', 'as_of_date'}), or none when every period is computed again. -#}
{% macro period_rows_basis() -%}
    {%- if not execute or not is_incremental() or should_full_refresh() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set inputs = static_inputs_fingerprint() -%}
    {%- set relation = adapter.get_relation(database=this.database, schema=this.schema,
                                            identifier=this.identifier ~ '_basis') -%}
    {%- if inputs == '' or relation is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set rows = run_query('select distinct cast(as_of_date as varchar), inputs_fingerprint from ' ~ relation) -%}
    {%- if rows | length != 1 or rows[0][1] != inputs -%}
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

{#- The pre-hook: delete the rows the run computes again (every row without a basis). -#}
{% macro delete_refreshed_periods() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ period_is_refreshed('period_id') }}
    {%- endif -%}
{%- endmacro %}

{#- The post-hook: the basis of the rows just written. -#}
{% macro store_period_rows_basis() -%}
    create or replace table {{ this.incorporate(path={'identifier': this.identifier ~ '_basis'}) }} as
    select
        period_id,
        fingerprint,
        value_count,
        start_date,
        end_date,
        {{ as_of_date() }} as as_of_date,
        '{{ static_inputs_fingerprint() }}' as inputs_fingerprint
    from {{ ref('int_period_value_fingerprints') }}
{%- endmacro %}
