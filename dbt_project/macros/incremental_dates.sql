{#- The daily-value models are incremental on credit dates: a run deletes and recomputes the dates
    int_ledger_changed_dates marks (see there why that equals a full refresh); a first build or
    `--full-refresh` computes every date. -#}

{% macro recomputed_dates_sql() -%}
    select credit_date from {{ ref('int_ledger_changed_dates') }} where needs_recompute and credit_date is not null
{%- endmacro %}

{#- A filter on a credit-date column: every date on a full build, the recomputed ones otherwise. -#}
{% macro in_recomputed_dates(date_column) -%}
    {%- if is_incremental() -%}
        {{ date_column }} in ({{ recomputed_dates_sql() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of a daily-value model: delete the dates about to be recomputed. -#}
{% macro delete_recomputed_dates() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where credit_date in ({{ recomputed_dates_sql() }})
    {%- endif -%}
{%- endmacro %}

{#- The first date this run recomputes (null when none: then a comparison with it keeps every row). -#}
{% macro first_recomputed_date() -%}
    select min(credit_date) from ({{ recomputed_dates_sql() }})
{%- endmacro %}
