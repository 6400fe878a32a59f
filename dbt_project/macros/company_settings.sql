{#- Company settings and the run's dates arrive as environment variables (DBT_QUOTAS_<NAME>, set by the
    pipeline), or as dbt vars, which win (tests and `dbt` by hand). Environment variables keep dbt's partial
    parsing, where a changed --vars re-parses the whole project; and they are read only when a model runs,
    not while dbt parses it: an environment variable read at parse time makes dbt parse again every file
    that read it once its value changes, which a new as-of date does every day (~0.5-0.8 s of a daily
    run's start). What a model's SQL says is rendered anew at every run, with the values of that run; the
    parse only needs its refs and configs, which no setting shapes. They are validated here, again,
    before they touch SQL: a date, a time-zone name and a currency code can only ever be literals of a
    strict shape. -#}

{% macro run_setting(name, default) -%}
    {%- if not execute -%}
        {{- return(var(name, default)) -}}
    {%- endif -%}
    {{- return(var(name, env_var('DBT_QUOTAS_' ~ (name | upper), default))) -}}
{%- endmacro %}

{% macro _require_shape(name, value, pattern) -%}
    {%- if not modules.re.match(pattern, value | string) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " = " ~ (value | string) ~ " is not valid") }}
    {%- endif -%}
    {{- return(value | string) -}}
{%- endmacro %}

{% macro company_timezone() -%}
    {{- return(_require_shape('timezone', run_setting('timezone', 'UTC'), '^[A-Za-z][A-Za-z0-9_+/-]*$')) -}}
{%- endmacro %}

{% macro reporting_currency() -%}
    '{{ _require_shape("reporting_currency", run_setting("reporting_currency", "USD"), "^[A-Z]{3}$") }}'
{%- endmacro %}

{#- The as-of date D every number is computed at. Empty means today in the company time zone. -#}
{% macro as_of_date() -%}
    {%- set value = run_setting('as_of_date', '') | string -%}
    {%- if value == '' -%}
        cast(timezone('{{ company_timezone() }}', now()) as date)
    {%- else -%}
        date '{{ _require_shape("as_of_date", value, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") }}'
    {%- endif -%}
{%- endmacro %}

{#- An instant's calendar date in the company time zone: the date every credit is booked on. -#}
{% macro to_local_date(timestamp_column) -%}
    cast(timezone('{{ company_timezone() }}', {{ timestamp_column }}) as date)
{%- endmacro %}

{#- The days a snapshot run writes: [snapshot_start_date, snapshot_end_date], the Dagster partition window.
    Left empty, both are the as-of date, so a plain daily run writes that day. -#}
{% macro snapshot_window_start() -%}
    {%- set value = run_setting('snapshot_start_date', '') | string -%}
    {%- if value == '' -%}{{ as_of_date() }}{%- else -%}date '{{ _require_shape("snapshot_start_date", value, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") }}'{%- endif -%}
{%- endmacro %}

{% macro snapshot_window_end() -%}
    {%- set value = run_setting('snapshot_end_date', '') | string -%}
    {%- if value == '' -%}{{ as_of_date() }}{%- else -%}date '{{ _require_shape("snapshot_end_date", value, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") }}'{%- endif -%}
{%- endmacro %}

{#- The UTC hour an instant falls in, as a number (hours since 1970-01-01 00:00 UTC, negative before): the
    floor of epoch_ms over an hour, in integer arithmetic. 2^32 hours (15461882265600000 ms) are added so
    that `//`, which truncates, floors every instant DuckDB holds, then taken off. The load's change keys
    use the same hours (hour_key_sql in orchestration/raw_changes.py). -#}
{% macro utc_hour(timestamp_column) -%}
    ((epoch_ms({{ timestamp_column }}) + 15461882265600000) // 3600000 - 4294967296)
{%- endmacro %}

{#- to_local_date for large tables: the join on the company calendar by UTC hour (stg_company__utc_hours)
    and the date it gives. Use as `{{ local_date_join('t.closed_at', 'close_hour') }}` in the from clause
    and `{{ local_date_from_join('t.closed_at', 'close_hour') }}` in the select list. -#}
{% macro local_date_join(timestamp_column, alias) -%}
    left join {{ ref('stg_company__utc_hours') }} as {{ alias }}
        on {{ alias }}.utc_hour = {{ utc_hour(timestamp_column) }}
{%- endmacro %}

{% macro local_date_from_join(timestamp_column, alias) -%}
    case
        when {{ timestamp_column }} >= {{ alias }}.next_day_starts_at then {{ alias }}.local_date + 1
        else {{ alias }}.local_date
    end
{%- endmacro %}
