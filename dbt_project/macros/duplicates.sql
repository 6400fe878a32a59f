{#- Duplicate ids: the copy with the latest updated_at wins; when the latest is shared, every copy is
    rejected. Written as a group-by on the duplicated ids only (a join back), not a window over the whole
    table, so the cost at 100M rows is one hash aggregate, and for ids kept as integers one over 64 times
    fewer groups (duplicated_integer_ids in macros/integer_ids.sql). -#}
{% macro duplicate_id_verdicts(relation, id_column='id', updated_column=none) -%}
    {%- set integer_ids = integer_column_type(relation, id_column) is not none %}
    select
        {{ id_column }} as duplicate_id,
        {%- if updated_column %}
        max({{ updated_column }}) as latest_updated_at,
        count(*) filter (where {{ updated_column }} = latest_for_id) as copies_at_latest
        {%- else %}
        cast(null as timestamptz) as latest_updated_at,
        count(*) as copies_at_latest
        {%- endif %}
    from (
        select
            {{ id_column }},
            {%- if updated_column %}
            {{ updated_column }},
            max({{ updated_column }}) over (partition by {{ id_column }}) as latest_for_id
            {%- else %}
            1 as unused
            {%- endif %}
        from {{ relation }}
        where {{ id_column }} in (
            {%- if integer_ids %}
            {{ duplicated_integer_ids(relation, id_column) }}
            {%- else %}
            select {{ id_column }} from {{ relation }}
            where {{ id_column }} is not null
            group by {{ id_column }} having count(*) > 1
            {%- endif %}
        )
    )
    group by {{ id_column }}
{%- endmacro %}

{#- The reason for a row whose id is duplicated, or null. Needs the row joined to its verdict as `dup`. -#}
{% macro duplicate_id_reason(updated_column=none) -%}
    case
        when dup.duplicate_id is null then null
        {%- if updated_column %}
        when {{ updated_column }} = dup.latest_updated_at and dup.copies_at_latest = 1 then null
        when {{ updated_column }} = dup.latest_updated_at
            then 'duplicate id: ' || dup.copies_at_latest || ' copies share the latest updated_at, all rejected'
        else 'duplicate id: a copy with a later updated_at was kept'
        {%- else %}
        else 'duplicate id: the table has no updated_at to choose a copy, all rejected'
        {%- endif %}
    end
{%- endmacro %}
