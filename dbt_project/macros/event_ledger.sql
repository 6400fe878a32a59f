{#- The event ledger of deals, leads and activities (120M rows at M) follows the rows that changed instead of
    counting every event again on each run.

    Each event table's rows are summed into a fingerprint per UTC hour of their instant (closed_at,
    created_at, occurred_at), and compared with the fingerprints stored by the last complete run. The rows
    without an instant are bucketed by their id instead: open deals change every day, and one bucket for
    them all would check every open deal again. The hours whose fingerprint changed (rows added, changed,
    deleted or moved, in their new and their old hour) give the local dates to recompute, the buckets that
    changed give the undated rows to recompute, and so do the rows of every id whose duplicate verdict
    changed. The credits per user and day and the rejected rows of exactly those dates are deleted
    and computed again; every other date keeps its rows. A date's rows depend on nothing else but the valid
    users, the company time zone and the code, and when any of those changed (or no complete run left its
    state) everything is rebuilt. The result equals a full build row for row (tests/test_event_ledger.py).

    Per event table: *_hour_fingerprints (reusable) -> *_ledger_changes -> *_duplicate_changes ->
    int_*_duplicate_ids -> *_recomputed_dates -> *_credits_daily and int_*_rejected -> *_ledger_state. -#}

{#- The fingerprint of an event table's rows per UTC hour of `instant_column`; the rows without one go to
    one of 2^20 buckets by id (undated_bucket; null for the rows with an instant). `columns` are those the
    ledger reads; ['event_rows'] hashes whole rows.

    A load from a file already fingerprinted the rows by the same hours and buckets, in the transaction
    that wrote them (orchestration/raw_changes.py, `_ingest.raw_change_keys`); those fingerprints are taken
    as they are (at M, 100M activities need not be hashed again). They hash the file's rows, not the
    table's, so the loading SQL's digest is added in: a loader that casts the same file differently
    changes every hour. Only consistency from run to run matters: a switch between the two kinds of
    fingerprints makes every hour differ, and every date is recomputed once. -#}
{% macro event_hour_fingerprints(relation, instant_column, columns, id_column='id') -%}
    {%- set change_keys = _load_change_keys(relation.identifier) -%}
    {%- if change_keys is not none %}
    select
        case when change_key > {{ undated_key_base() }} then change_key end as utc_hour,
        case when change_key <= {{ undated_key_base() }}
            then cast({{ undated_key_base() }} - change_key as integer) end as undated_bucket,
        fingerprint + cast(hash(loader_digest) as hugeint) as fingerprint,
        row_count
    from {{ change_keys }}
    where table_name = '{{ relation.identifier }}'
    {%- else %}
    select
        {{ utc_hour(instant_column) }} as utc_hour,
        case when {{ instant_column }} is null then {{ undated_bucket(id_column) }} end as undated_bucket,
        sum(cast(hash({{ columns | join(', ') }}) as hugeint)) as fingerprint,
        count(*) as row_count
    from {{ relation }} as event_rows
    group by all
    {%- endif %}
{%- endmacro %}

{#- The key of undated bucket b in `_ingest.raw_change_keys` is this base minus b (UNDATED_KEY_BASE in
    orchestration/raw_changes.py): below the hour of any instant. -#}
{% macro undated_key_base() -%}
    -1099511627776
{%- endmacro %}

{#- The load's fingerprints per change key, when the last load of this raw table left them (a file load
    does; a PostgreSQL extract drops them); else none. -#}
{% macro _load_change_keys(table_name) -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set stored = adapter.get_relation(database=target.database, schema='_ingest', identifier='raw_change_keys') -%}
    {%- if stored is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set counted = run_query("select count(*) from " ~ stored ~ " where table_name = '" ~ table_name ~ "'") -%}
    {{- return(stored if counted.columns[0].values()[0] > 0 else none) -}}
{%- endmacro %}

{#- The bucket of a row without an instant: a function of its id alone, so that every copy and version of
    a row falls in the same bucket, in the raw table and in the models that keep its id. About a million
    buckets: at M some 14,000 of 2M open deals change each day, and a coarser division would put one of
    them in nearly every bucket. -#}
{% macro undated_bucket(id_column) -%}
    cast(hash({{ id_column }}) % 1048576 as integer)
{%- endmacro %}

{#- A hugeint key for an hour bucket: the null bucket gets a value no instant has. -#}
{% macro _hour_key(column) -%}
    coalesce({{ column }}, cast(-170141183460469231731687303715884105727 as hugeint))
{%- endmacro %}

{#- Which hours changed since the last complete run, and whether everything must be rebuilt. One row per
    hour bucket (kind 'hour'), and one row of the settings the rows' meaning depends on (kind 'settings'):
    the code version, the time zone, the valid users, and `other_inputs` (scalar queries, each a hugeint
    fingerprint of another input). -#}
{% macro event_ledger_changes(hour_fingerprints, state_name, stateful_names, other_inputs=[]) -%}
    {%- set stored = none -%}
    {%- set missing = [] -%}
    {%- if execute -%}
        {%- set stored = adapter.get_relation(database=this.database, schema=this.schema, identifier=state_name) -%}
        {%- if stored is not none and 'undated_bucket' not in adapter.get_columns_in_relation(stored)
                                                          | map(attribute='name') | list -%}
            {#- a state written before the rows without an instant were bucketed: start again -#}
            {%- set stored = none -%}
        {%- endif -%}
        {%- for name in stateful_names -%}
            {%- if adapter.get_relation(database=this.database, schema=this.schema, identifier=name) is none -%}
                {%- do missing.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set code_version = env_var('DBT_QUOTAS_CODE_VERSION', '') -%}
    {%- set must_rebuild = flags.FULL_REFRESH or code_version == '' or stored is none or missing | length > 0 %}
with

current_settings as (
    select
        cast(hash('{{ code_version }}', '{{ company_timezone() }}') as hugeint)
        + coalesce(
            (select sum(cast(hash(user_id) as hugeint)) from {{ ref('int_users_checked') }}
             where rejection_reason is null),
            0
        )
        {%- for query in other_inputs %}
        + coalesce(({{ query }}), 0)
        {%- endfor %} as fingerprint
),

current_hours as (
    select utc_hour, undated_bucket, fingerprint from {{ hour_fingerprints }}
),

{%- if stored is none %}

previous as (
    select
        cast(null as varchar) as kind,
        cast(null as bigint) as utc_hour,
        cast(null as integer) as undated_bucket,
        cast(null as hugeint) as fingerprint
    where false
),
{%- else %}

previous as (
    select kind, utc_hour, undated_bucket, fingerprint from {{ stored }}
),
{%- endif %}

rebuild as (
    select
        {{ 'true' if must_rebuild else 'false' }}
        or not exists (
            select 1 from previous, current_settings
            where previous.kind = 'settings' and previous.fingerprint = current_settings.fingerprint
        ) as full_rebuild
),

hours as (
    select
        coalesce(current_hours.utc_hour, previous_hours.utc_hour) as utc_hour,
        coalesce(current_hours.undated_bucket, previous_hours.undated_bucket) as undated_bucket,
        current_hours.fingerprint,
        current_hours.fingerprint is distinct from previous_hours.fingerprint as fingerprint_changed
    from current_hours
    full outer join (select utc_hour, undated_bucket, fingerprint from previous where kind = 'hour') as previous_hours
        on {{ _hour_key('previous_hours.utc_hour') }} = {{ _hour_key('current_hours.utc_hour') }}
        and coalesce(previous_hours.undated_bucket, -1) = coalesce(current_hours.undated_bucket, -1)
)

select
    'hour' as kind,
    hours.utc_hour,
    hours.undated_bucket,
    hours.fingerprint,
    rebuild.full_rebuild or hours.fingerprint_changed as changed,
    rebuild.full_rebuild
from hours
cross join rebuild

union all

select 'settings', null, null, current_settings.fingerprint, rebuild.full_rebuild, rebuild.full_rebuild
from current_settings
cross join rebuild
{%- endmacro %}

{#- A query for `other_inputs` of event_ledger_changes: a fingerprint of a relation's column names and types. -#}
{% macro column_types_fingerprint(relation) -%}
    {{- return(
        "select sum(cast(hash(column_name, data_type) as hugeint)) from information_schema.columns"
        ~ " where table_catalog = '" ~ relation.database ~ "' and table_schema = '" ~ relation.schema ~ "'"
        ~ " and table_name = '" ~ relation.identifier ~ "'"
    ) -}}
{%- endmacro %}

{#- Whether this run rebuilds the event table's ledger whole: read when the model runs, from the changes
    model built earlier in the same run. -#}
{% macro event_ledger_full_rebuild(changes) -%}
    {%- if not execute -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set result = run_query('select bool_or(full_rebuild) from ' ~ changes) -%}
    {{- return(result.columns[0].values()[0] in (true, none)) -}}
{%- endmacro %}

{#- The pre-hook of the first model that changes an event ledger's tables: the stored state stops being
    valid (its settings row goes) until the run's last model writes it again. A run that fails in between
    leaves no state, and the next run rebuilds everything. -#}
{% macro invalidate_event_ledger_state(state_name) -%}
    {%- if execute -%}
        {%- set stored = adapter.get_relation(database=this.database, schema=this.schema, identifier=state_name) -%}
        {%- if stored is not none -%}
            delete from {{ stored }} where kind = 'settings'
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Whether any hour bucket's rows changed: when none did, no id's verdict can have changed either. -#}
{% macro _any_hour_changed(changes) -%}
    {%- if not execute -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set result = run_query("select count(*) from " ~ changes ~ " where kind = 'hour' and changed") -%}
    {{- return(result.columns[0].values()[0] > 0) -}}
{%- endmacro %}

{#- A condition on the instant column alone that every row of the changed hours meets: the hours as
    literal ranges of instants (runs of consecutive hours; one range from the first to the last past
    `max_ranges`): a cheap test that DuckDB applies before the hour's, and checks against each row group's
    minimum and maximum, so where the rows lie roughly in time order the scan skips the row groups of
    other hours (the generated M activities are in id order, and there only the cheaper test gains). The
    hour condition after it keeps the result exact. `true` for an hour outside the years 1 to 9999
    (to_timestamp's easy range). -#}
{% macro _instants_in_changed_hours(changes, instant_column, max_ranges=24) -%}
    {%- if not execute -%}
        {{- return('true') -}}
    {%- endif -%}
    {%- set runs = [] -%}
    {%- for row in run_query(
        'select min(utc_hour), max(utc_hour) from ('
        ~ ' select utc_hour, utc_hour - row_number() over (order by utc_hour) as run from ' ~ changes
        ~ " where kind = 'hour' and changed and utc_hour is not null"
        ~ ') group by run order by 1') -%}
        {%- do runs.append([row[0] | int, row[1] | int]) -%}
    {%- endfor -%}
    {%- if runs | length == 0 -%}
        {{- return('false') -}}
    {%- endif -%}
    {%- if runs[0][0] < -17259888 or runs[-1][1] >= 70389528 -%}
        {{- return('true') -}}
    {%- endif -%}
    {%- if runs | length > max_ranges -%}
        {%- set runs = [[runs[0][0], runs[-1][1]]] -%}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- for first, last in runs -%}
        {%- do conditions.append('(' ~ instant_column ~ ' >= to_timestamp(' ~ first * 3600 ~ ') and '
                                 ~ instant_column ~ ' < to_timestamp(' ~ (last + 1) * 3600 ~ '))') -%}
    {%- endfor -%}
    {{- return('(' ~ conditions | join(' or ') ~ ')') -}}
{%- endmacro %}

{#- The ids whose duplicate verdict may have changed, with their verdict now and whether it differs from
    the stored one: every id with a row in a changed hour, and every id that was a duplicate (none when no
    hour changed). -#}
{% macro event_duplicate_changes(source_relation, instant_column, changes, duplicate_ids_name) -%}
    {%- set previous = none -%}
    {%- if execute -%}
        {%- set previous = adapter.get_relation(database=this.database, schema=this.schema,
                                                identifier=duplicate_ids_name) -%}
    {%- endif -%}
    {%- if previous is none or event_ledger_full_rebuild(changes) or not _any_hour_changed(changes) %}
select
    id as duplicate_id,
    cast(null as timestamptz) as latest_updated_at,
    cast(null as bigint) as copies_at_latest,
    false as is_duplicate,
    false as verdict_changed
from {{ source_relation }}
where false
    {%- else %}
with

changed_hours as (
    select utc_hour, undated_bucket from {{ changes }} where kind = 'hour' and changed
),

candidates as (
    select id as candidate_id
    from {{ source_relation }}
    where id is not null
        and (
            ({{ _instants_in_changed_hours(changes, instant_column) }}
             and {{ utc_hour(instant_column) }} in (select utc_hour from changed_hours where utc_hour is not null))
            or ({{ instant_column }} is null and {{ undated_bucket('id') }} in (
                select undated_bucket from changed_hours where utc_hour is null))
        )
    union
    select duplicate_id from {{ previous }}
),

copies as (
    select
        id,
        updated_at,
        max(updated_at) over (partition by id) as latest_for_id
    from {{ source_relation }}
    where id in (select candidate_id from candidates)
),

verdicts as (
    select
        id as duplicate_id,
        max(updated_at) as latest_updated_at,
        count(*) filter (where updated_at = latest_for_id) as copies_at_latest,
        count(*) > 1 as is_duplicate
    from copies
    group by id
)

select
    candidates.candidate_id as duplicate_id,
    verdicts.latest_updated_at,
    verdicts.copies_at_latest,
    coalesce(verdicts.is_duplicate, false) as is_duplicate,
    coalesce(verdicts.is_duplicate, false) is distinct from (stored.duplicate_id is not null)
        or (verdicts.is_duplicate and (
            verdicts.latest_updated_at is distinct from stored.latest_updated_at
            or verdicts.copies_at_latest is distinct from stored.copies_at_latest
        )) as verdict_changed
from candidates
left join verdicts on verdicts.duplicate_id = candidates.candidate_id
left join {{ previous }} as stored on stored.duplicate_id = candidates.candidate_id
    {%- endif %}
{%- endmacro %}

{#- The duplicate ids of an event table: the whole aggregate on a full rebuild, else the stored ones with
    the changed candidates' verdicts replaced. -#}
{% macro event_duplicate_ids(versions_relation, id_column, changes, duplicate_changes) -%}
    {%- set previous = none -%}
    {%- if execute -%}
        {%- set previous = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- endif -%}
    {%- if previous is none or event_ledger_full_rebuild(changes) -%}
        {{ duplicate_id_verdicts(versions_relation, id_column, 'updated_at') }}
    {%- else %}
select duplicate_id, latest_updated_at, copies_at_latest
from {{ previous }}
where duplicate_id not in (select duplicate_id from {{ duplicate_changes }})
union all
select duplicate_id, latest_updated_at, copies_at_latest
from {{ duplicate_changes }}
where is_duplicate
    {%- endif -%}
{%- endmacro %}

{#- The local dates to recompute: those of every changed hour (an hour may hold the end of one local day
    and the start of the next), null with the bucket for the changed buckets of rows without an instant,
    and the dates (or buckets) of every row of an id whose verdict changed. Empty on a full rebuild, which
    recomputes every date. -#}
{% macro event_recomputed_dates(source_relation, instant_column, changes, duplicate_changes) -%}
    {%- set full = event_ledger_full_rebuild(changes) -%}
    {%- set verdicts_changed = false -%}
    {%- if execute and not full -%}
        {%- set counted = run_query('select count(*) from ' ~ duplicate_changes ~ ' where verdict_changed') -%}
        {%- set verdicts_changed = counted.columns[0].values()[0] > 0 -%}
    {%- endif %}
with

dates as (
    {%- if full %}
    select cast(null as date) as credit_date, cast(null as integer) as undated_bucket where false
    {%- else %}
    select {{ to_local_date('to_timestamp(utc_hour * 3600)') }} as credit_date, cast(null as integer) as undated_bucket
    from {{ changes }} where kind = 'hour' and changed and utc_hour is not null
    union
    select {{ to_local_date('to_timestamp(utc_hour * 3600 + 3599.999999)') }}, null
    from {{ changes }} where kind = 'hour' and changed and utc_hour is not null
    union
    select null, undated_bucket from {{ changes }} where kind = 'hour' and changed and utc_hour is null
    {%- if verdicts_changed %}
    union
    select
        {{ to_local_date(instant_column) }},
        case when {{ instant_column }} is null then {{ undated_bucket('id') }} end
    from {{ source_relation }}
    where id in (select duplicate_id from {{ duplicate_changes }} where verdict_changed)
    {%- endif %}
    {%- endif %}
)

select
    credit_date,
    undated_bucket,
    timezone('{{ company_timezone() }}', cast(credit_date as timestamp)) as starts_at,
    timezone('{{ company_timezone() }}', cast(credit_date + 1 as timestamp)) as ends_at
from dates
{%- endmacro %}

{#- The recomputed dates as literal instant ranges, so that the filter on the event rows reaches the table
    scan (below the views' joins): runs of consecutive dates make one range, and past `max_ranges` ranges
    one range from the first to the last date is used (the date filter after it keeps the result exact). -#}
{% macro _recomputed_ranges(recomputed_dates, max_ranges=24) -%}
    {%- set rows = run_query(
        'select min(starts_at)::varchar, max(ends_at)::varchar from ('
        ~ ' select starts_at, ends_at, credit_date - cast(row_number() over (order by credit_date) as integer) as run'
        ~ ' from ' ~ recomputed_dates ~ ' where credit_date is not null'
        ~ ') group by run order by 1') -%}
    {%- set ranges = [] -%}
    {%- for row in rows -%}
        {%- do ranges.append([row[0], row[1]]) -%}
    {%- endfor -%}
    {%- if ranges | length > max_ranges -%}
        {{- return([[ranges[0][0], ranges[-1][1]]]) -}}
    {%- endif -%}
    {{- return(ranges) -}}
{%- endmacro %}

{#- Whether this run recomputes any bucket of rows without an instant. Without one, the filters below leave
    their clause for such rows out: DuckDB evaluates it on every row it scans (the activities' rejected
    rows of a day without changes at M: 0.37-1.3 s alone, nothing without the clause). -#}
{% macro _any_undated_recomputed(recomputed_dates) -%}
    {%- set result = run_query('select count(*) from ' ~ recomputed_dates ~ ' where credit_date is null') -%}
    {{- return(result.columns[0].values()[0] > 0) -}}
{%- endmacro %}

{#- The filter of an incremental event model's rows: nothing on a full rebuild (or a first build), else
    the rows whose local date this run recomputes (and, given `undated_id_column`, the rows without an
    instant in the buckets that changed). With `date_column` none, the rows of the recomputed dates' hours
    only: a wider filter for rows not yet dated (int_activities_rejected dates the rows it keeps). -#}
{% macro event_rows_to_recompute(changes, recomputed_dates, instant_column, date_column, undated_id_column=none) -%}
    {%- if not execute or not is_incremental() or event_ledger_full_rebuild(changes) -%}
        true
    {%- else -%}
        {%- set ranges = _recomputed_ranges(recomputed_dates) -%}
        (
            {%- if ranges %}
            (
                ({% for starts_at, ends_at in ranges -%}
                    {{ instant_column }} >= timestamptz '{{ starts_at }}' and {{ instant_column }} < timestamptz '{{ ends_at }}'
                    {%- if not loop.last %} or {% endif -%}
                {%- endfor %})
                {%- if date_column is not none %}
                and {{ date_column }} in (select credit_date from {{ recomputed_dates }})
                {%- endif %}
            )
            {%- else %}
            false
            {%- endif %}
            {%- if undated_id_column is not none and _any_undated_recomputed(recomputed_dates) %}
            or ({{ instant_column }} is null and {{ undated_bucket(undated_id_column) }} in (
                select undated_bucket from {{ recomputed_dates }} where credit_date is null))
            {%- endif %}
        )
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of an incremental event model: delete the rows of the dates about to be recomputed (all
    of them on a full rebuild), and, given `undated_id_column`, the rows without a date in the changed
    buckets. It runs before the model's transaction (`before_begin`): DuckDB cannot commit a transaction
    that deletes from a table and then alters it (a column added when deals gain a custom field, or a type
    changed when ids arrive as integers: align_id_column_types). The model's compilation read the ledger's
    changes, which opened a transaction; it is committed first, so that the delete runs, and commits, on
    its own. Committing the delete on its own is safe: the ledger's stored state was invalidated before
    any of its tables changed, so a run that fails after it is followed by a full rebuild. With
    `record_rewritten_dates` (the daily credit models), the dates about to be rewritten are recorded first,
    for int_ledger_changed_dates (macros/rewritten_credit_dates.sql). -#}
{% macro delete_event_rows_to_recompute(changes, recomputed_dates, date_column, undated_id_column=none,
                                        record_rewritten_dates=false) -%}
    {%- if execute and is_incremental() -%}
        {%- do adapter.commit() -%}
        {%- set full_rebuild = event_ledger_full_rebuild(changes) -%}
        {%- if record_rewritten_dates -%}
            {{ record_rewritten_credit_dates(recomputed_dates, full_rebuild) }};
        {% endif -%}
        {%- if full_rebuild -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where {{ date_column }} in (select credit_date from {{ recomputed_dates }} where credit_date is not null)
                {%- if not _any_undated_recomputed(recomputed_dates) %}
                {#- no bucket of undated rows is recomputed: their rows stay #}
                {%- elif undated_id_column is not none %}
                or ({{ date_column }} is null and {{ undated_bucket(undated_id_column) }} in (
                    select undated_bucket from {{ recomputed_dates }} where credit_date is null))
                {%- else %}
                or {{ date_column }} is null
                {%- endif %}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The filter of an incremental model keyed on a date column of an already incremental table: nothing on
    a full rebuild (or a first build), else the dates this run recomputes (recomputed_dates_in). -#}
{% macro event_dates_to_recompute(changes, recomputed_dates, date_column, max_literals=1000) -%}
    {%- if not execute or not is_incremental() or event_ledger_full_rebuild(changes) -%}
        true
    {%- else -%}
        {{ recomputed_dates_in(recomputed_dates, date_column, max_literals) }}
    {%- endif -%}
{%- endmacro %}

{#- `date_column` is one of the dates of `recomputed_dates` (an event ledger's), as literals (up to
    `max_literals`) so that DuckDB filters the rows where they are read, below the views' joins. -#}
{% macro recomputed_dates_in(recomputed_dates, date_column, max_literals=1000) -%}
    {%- set dates = run_query('select distinct credit_date::varchar from ' ~ recomputed_dates
                              ~ ' where credit_date is not null order by 1').columns[0].values() -%}
    {%- if dates | length == 0 -%}
    false
    {%- elif dates | length <= max_literals -%}
    {{ date_column }} in ({% for day in dates %}date '{{ day }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- else -%}
    {{ date_column }} in (select credit_date from {{ recomputed_dates }} where credit_date is not null)
    {%- endif -%}
{%- endmacro %}

{#- The relations a `unique_combination` check's `recomputed_events` names (tests/generic), or none when
    every row must be checked: no daily table built yet, or a rebuild of the whole ledger. -#}
{% macro recomputed_events_relations(model, recomputed_events) -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set found = {} -%}
    {%- for role in ['consumer', 'changes', 'recomputed_dates'] -%}
        {%- set relation = adapter.get_relation(database=model.database, schema=model.schema,
                                                identifier=recomputed_events[role]) -%}
        {%- if relation is none -%}
            {{- return(none) -}}
        {%- endif -%}
        {%- do found.update({role: relation}) -%}
    {%- endfor -%}
    {%- if event_ledger_full_rebuild(found.changes) -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(found) -}}
{%- endmacro %}
