{#- Company settings arrive as dbt vars. They are validated here, again, before they touch SQL: a date,
    a time-zone name and a currency code can only ever be literals of a strict shape. -#}

{% macro _require_shape(name, value, pattern) -%}
    {%- if not modules.re.match(pattern, value | string) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " = " ~ (value | string) ~ " is not valid") }}
    {%- endif -%}
    {{- return(value | string) -}}
{%- endmacro %}

{% macro company_timezone() -%}
    {{- return(_require_shape('timezone', var('timezone'), '^[A-Za-z][A-Za-z0-9_+\-/]*$')) -}}
{%- endmacro %}

{% macro reporting_currency() -%}
    '{{ _require_shape("reporting_currency", var("reporting_currency"), "^[A-Z]{3}$") }}'
{%- endmacro %}

{#- The as-of date D every number is computed at. Empty means today in the company time zone. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date') | string -%}
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
    {%- set value = var('snapshot_start_date') | string -%}
    {%- if value == '' -%}{{ as_of_date() }}{%- else -%}date '{{ _require_shape("snapshot_start_date", value, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") }}'{%- endif -%}
{%- endmacro %}

{% macro snapshot_window_end() -%}
    {%- set value = var('snapshot_end_date') | string -%}
    {%- if value == '' -%}{{ as_of_date() }}{%- else -%}date '{{ _require_shape("snapshot_end_date", value, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") }}'{%- endif -%}
{%- endmacro %}
