{#- Models that no longer exist, dropped from a warehouse built by an earlier version of the project
    (dbt never drops a relation whose model was removed): a reader must not find stale numbers beside the
    current ones. Also incremental tables whose rows changed shape, recognised by a column only the old
    shape had: dropped, the model builds them afresh (appending the new shape to the kept rows of the old
    one cannot be done in place: DuckDB refuses to commit a transaction that deletes from a table and then
    alters it). Run at the start of every dbt invocation; a no-op once they are gone. -#}
{% macro drop_retired_relations() %}
    {%- set retired = [
        ('intermediate', 'int_individual_target_daily_values'),
        ('intermediate', 'int_target_daily_values'),
        ('intermediate', 'int_target_cumulative_values'),
        ('intermediate', 'int_user_daily_values'),
        ('intermediate', 'int_user_running_totals'),
    ] -%}
    {#- (schema, table, a column of the retired shape) -#}
    {%- set retired_shapes = [
        ('intermediate', 'int_rollup_daily_values', 'context_id'),
    ] -%}
    {%- if execute -%}
        {%- for schema, identifier in retired -%}
            {%- set relation = adapter.get_relation(database=target.database, schema=schema, identifier=identifier) -%}
            {%- if relation is not none -%}
                {%- do adapter.drop_relation(relation) -%}
                {{ log('dropped the retired ' ~ relation.type ~ ' ' ~ schema ~ '.' ~ identifier, info=true) }}
            {%- endif -%}
        {%- endfor -%}
        {%- for schema, identifier, old_column in retired_shapes -%}
            {%- set relation = adapter.get_relation(database=target.database, schema=schema, identifier=identifier) -%}
            {%- if relation is not none
                and old_column in adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
                {%- do adapter.drop_relation(relation) -%}
                {{ log('dropped ' ~ schema ~ '.' ~ identifier ~ ', kept in an earlier shape: it is built again', info=true) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
