{#- Whether a table exists, asked of DuckDB's catalogue rather than of dbt's relation cache: the cache is
    filled as the invocation starts, so it does not know a table created since (by a hook, or by an
    on-run-start step), nor schemas dbt does not manage (`_dbt_state`). -#}
{% macro relation_in_catalog(relation) -%}
    {%- set query -%}
        select count(*) from duckdb_tables()
        where database_name = '{{ relation.database }}' and schema_name = '{{ relation.schema }}'
            and table_name = '{{ relation.identifier }}'
    {%- endset -%}
    {{- return(run_query(query).columns[0].values()[0] > 0) -}}
{%- endmacro %}
