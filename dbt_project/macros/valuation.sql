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

{#- The second pre-hook: forget the values of targets the configuration no longer holds (a quota
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
        '{{ env_var('DBT_QUOTAS_CODE_VERSION', '') }}' as code_version
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
