{#- Values as of D kept from run to run (int_target_values).

    A target's value as of D over its range [start, end] is the sum of its credits dated in
    [start, min(D, end)], and its week's change the sum over (D - 7, D] within the range: D matters only
    while it is near the range. So a value computed as of P is still the value as of D when the range
    misses [min(P, D) - 7, max(P, D)] and none of the range's credit dates changed since. A daily run
    moves D by one day and changes a few credit dates: it revalues the current periods' targets and those
    whose dates changed, and keeps the settled months and years of history as they are.

    The basis of the kept values, in `<model>_basis`: the as-of date P, the code version, and the
    fingerprint of every credit date and of every other input (int_ledger_changed_dates), as they were when
    the values were computed. It is written by the model's post-hook, in the model's own transaction, so it
    always describes the rows beside it. Without a basis (first build, `--full-refresh`, a new code
    version, dbt run by hand), or when any other input changed, every value is computed again. -#}

{% macro valuation_basis() -%}
    {%- set code_version = env_var('DBT_QUOTAS_CODE_VERSION', '') -%}
    {%- if not execute or not is_incremental() or code_version == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(database=this.database, schema=this.schema,
                                            identifier=this.identifier ~ '_basis') -%}
    {%- if relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select distinct cast(as_of_date as varchar), code_version from ' ~ relation) -%}
    {%- if rows | length != 1 or rows[0][1] != code_version -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'relation': relation, 'as_of_date': rows[0][0]}) }}
{%- endmacro %}

{#- True for the rows whose range [start_column, end_column] must be valued again, given a usable basis. -#}
{% macro needs_revaluation(start_column, end_column, basis) -%}
    {%- set previous = "date '" ~ basis.as_of_date ~ "'" -%}
    (
        ({{ end_column }} >= least({{ previous }}, {{ as_of_date() }}) - 7
            and {{ start_column }} <= greatest({{ previous }}, {{ as_of_date() }}))
        or exists (
            select 1 from ({{ _changed_credit_dates(basis.relation) }}) as changed
            where changed.credit_date between {{ start_column }} and {{ end_column }}
        )
        or not {{ _other_inputs_unchanged(basis.relation) }}
    )
{%- endmacro %}

{#- True when the fingerprint of every input other than the credit dates (int_ledger_changed_dates' row
    without a date) is the basis's. -#}
{% macro _other_inputs_unchanged(basis_relation) -%}
    exists (
        select 1
        from {{ basis_relation }} as kept
        inner join {{ ref('int_ledger_changed_dates') }} as now
            on now.credit_date is null and now.fingerprint = kept.fingerprint
        where kept.credit_date is null
    )
{%- endmacro %}

{#- The targets a run values: every target without a basis; otherwise those whose range needs it. The
    condition is evaluated once per distinct range (a few hundred periods and goal ranges), not per target. -#}
{% macro targets_to_revalue() -%}
    {%- set basis = valuation_basis() -%}
    {%- if basis is none -%}
        select target_kind, target_id from {{ ref('int_targets') }}
    {%- else -%}
        select target_kind, target_id
        from {{ ref('int_targets') }}
        semi join (
            select start_date, end_date
            from (select distinct start_date, end_date from {{ ref('int_targets') }}) as ranges
            where {{ needs_revaluation('ranges.start_date', 'ranges.end_date', basis) }}
        ) as stale_ranges using (start_date, end_date)
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook: forget the values of targets the configuration no longer holds (a quota
    withdrawn), which no revaluation would reach. The targets are among the ledger's other inputs, so
    only a run whose other inputs changed can find any, and with a basis whose other inputs are those of
    now the hook is empty. That is asked once, here, rather than as a condition of the delete: DuckDB
    still ran the anti-join of every kept value against every target first (at M 0.46 s of one more day's
    run, for no row). -#}
{% macro delete_withdrawn_targets() -%}
    {%- set basis = valuation_basis() -%}
    {%- if basis is none or not run_query('select ' ~ _other_inputs_unchanged(basis.relation)).columns[0].values()[0] %}
    delete from {{ this }} as kept
    where not exists (
        select 1 from {{ ref('int_targets') }} as targets
        where targets.target_kind = kept.target_kind and targets.target_id = kept.target_id
    )
    {%- endif %}
{%- endmacro %}

{#- The credit dates whose ledger rows differ from the basis's (added, changed or gone). -#}
{% macro _changed_credit_dates(basis_relation) -%}
    select coalesce(now.credit_date, kept.credit_date) as credit_date
    from (
        select credit_date, fingerprint from {{ ref('int_ledger_changed_dates') }}
        where credit_date is not null and fingerprint is not null
    ) as now
    full outer join (
        select credit_date, fingerprint from {{ basis_relation }} where credit_date is not null
    ) as kept
        on kept.credit_date = now.credit_date
    where now.fingerprint is distinct from kept.fingerprint
{%- endmacro %}

{#- The post-hook: the basis of the values just written. -#}
{% macro store_valuation_basis() -%}
    create or replace table {{ this.incorporate(path={'identifier': this.identifier ~ '_basis'}) }} as
    select
        credit_date,
        fingerprint,
        {{ as_of_date() }} as as_of_date,
        '{{ env_var('DBT_QUOTAS_CODE_VERSION', '') }}' as code_version,
        {{ series_generation_sql() }} as series_generation
    from {{ ref('int_ledger_changed_dates') }}
    where fingerprint is not null
{%- endmacro %}

{#- Whether int_target_values holds every target's value as of `day` (a date literal) for the ledger as it
    is now: its basis says it was computed as of that day, by this code, from credit dates and other
    inputs whose fingerprints are those of int_ledger_changed_dates now. The daily run's snapshot of its
    own as-of date then reads those values instead of looking each quota up in the running totals. -#}
{% macro target_values_hold(day) -%}
    {%- set code_version = env_var('DBT_QUOTAS_CODE_VERSION', '') -%}
    {%- if not execute or code_version == '' -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set values = ref('int_target_values') -%}
    {%- set basis = adapter.get_relation(database=values.database, schema=values.schema,
                                         identifier=values.identifier ~ '_basis') -%}
    {%- if basis is none -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set query -%}
        select
            (select count(*) from {{ basis }}
             where as_of_date <> {{ day }} or code_version <> '{{ code_version }}') = 0
            and not exists (select 1 from ({{ _changed_credit_dates(basis) }}) as changed)
            and {{ _other_inputs_unchanged(basis) }}
    {%- endset -%}
    {{- return(run_query(query)[0][0] == true) -}}
{%- endmacro %}

{#- Adding a run's changes to the values kept (int_target_values, individual targets).

    An individual target's value is a sum of its series' daily values, in exact DECIMAL arithmetic, so
    the value as of D equals the value kept as of P, plus the differences this run made to the series'
    days in [start, min(end, P)] (int_series_daily_value_changes), plus the days in (P, min(end, D)]; and
    the week's change is the sum of the days in (D - 7, D]. Both read a few days and the run's changed
    days, where looking the running totals up reads every day since the targets' starts (at M, this
    year's 6.6M daily values).

    That holds only if the kept values were computed on the very series values the changes were compared
    with. Each write of int_series_daily_values is a generation, named by the invocation that wrote it
    (`_generation`); the changes record the generation they were compared with (`_basis`), and the
    target values' basis the generation they were computed on. The changes are added when this
    invocation computed them and wrote the series with them, they were compared with the generation the
    kept values were computed on, no other input changed, and D is 0 to 31 days after P. Otherwise the
    stale targets are valued from the running totals, as on a first build. -#}

{#- A table of the running model's schema, by name: not a ref, which in a hook would make the model
    depend on itself, or on a model that depends on it. -#}
{% macro _companion(model_name, suffix) -%}
    {{- return(this.incorporate(path={'identifier': model_name ~ suffix})) -}}
{%- endmacro %}

{#- The series' post-hook: this invocation wrote the generation now stored. -#}
{% macro record_series_generation() -%}
    create or replace table {{ _companion('int_series_daily_values', '_generation') }} as
    select '{{ invocation_id }}' as written_by
{%- endmacro %}

{#- The changes' post-hook: the generation of the stored series values they were compared with (none on a
    first build or `--full-refresh`, which compare nothing). -#}
{% macro record_series_changes_basis() -%}
    {%- set generation = _companion('int_series_daily_values', '_generation') -%}
    {%- set compared = execute and not flags.FULL_REFRESH
        and relation_in_catalog(_companion('int_series_daily_values', '')) and relation_in_catalog(generation) -%}
    create or replace table {{ _companion('int_series_daily_value_changes', '_basis') }} as
    select
        '{{ invocation_id }}' as made_by,
        {% if compared %}(select any_value(written_by) from {{ generation }}){% else %}cast(null as varchar){% endif %}
            as compared_with
{%- endmacro %}

{#- The generation int_target_values is computed on (for its basis). -#}
{% macro series_generation_sql() -%}
    {%- set generation = _companion('int_series_daily_values', '_generation') -%}
    {%- if execute and relation_in_catalog(generation) -%}
        (select any_value(written_by) from {{ generation }})
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}

{#- Whether this run values int_target_values' individual targets by adding its changes to the values
    kept on `basis` (valuation_basis(); see above). -#}
{% macro adds_series_changes(basis) -%}
    {%- if basis is none -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set generation = _companion('int_series_daily_values', '_generation') -%}
    {%- set changes_basis = _companion('int_series_daily_value_changes', '_basis') -%}
    {%- if not relation_in_catalog(generation) or not relation_in_catalog(changes_basis) -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set query -%}
        select
            {{ _other_inputs_unchanged(basis.relation) }}
            and {{ as_of_date() }} between date '{{ basis.as_of_date }}' and date '{{ basis.as_of_date }}' + 31
            and (select any_value(written_by) from {{ generation }}) = '{{ invocation_id }}'
            and (select any_value(made_by) from {{ changes_basis }}) = '{{ invocation_id }}'
            and (select any_value(compared_with) from {{ changes_basis }})
                = (select any_value(series_generation) from {{ basis.relation }})
    {%- endset -%}
    {{- return(run_query(query)[0][0] == true) -}}
{%- endmacro %}
