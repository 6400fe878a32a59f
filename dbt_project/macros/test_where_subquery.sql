{#- What a generic test reads of the model it tests: dbt's own behaviour (the test's `where` config), and
    for a mart kept by period only the periods this run computed (kept_periods_of_this_run in
    macros/kept_by_period.sql says why that checks every row). Defined for DuckDB in the project, so
    dbt's dispatch finds it before the adapter's. -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set kept = kept_periods_of_this_run(relation) -%}
    {%- if kept -%}
        {%- do conditions.append(kept) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
