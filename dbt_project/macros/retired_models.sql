{#- Models that no longer exist, dropped from a warehouse built by an earlier version of the project
    (dbt never drops a relation whose model was removed): a reader must not find stale numbers beside the
    current ones. Run at the start of every dbt invocation; a no-op once they are gone. -#}
{% macro drop_retired_relations() %}
    {%- set retired = [
        ('intermediate', 'int_individual_target_daily_values'),
        ('intermediate', 'int_target_daily_values'),
        ('intermediate', 'int_target_cumulative_values'),
    ] -%}
    {%- if execute -%}
        {%- for schema, identifier in retired -%}
            {%- set relation = adapter.get_relation(database=target.database, schema=schema, identifier=identifier) -%}
            {%- if relation is not none -%}
                {%- do adapter.drop_relation(relation) -%}
                {{ log('dropped the retired ' ~ relation.type ~ ' ' ~ schema ~ '.' ~ identifier, info=true) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
