{#- Ids kept as integers: the deals', leads' and activities' ids and owners stay integers in raw when their
    file stores them so (`integers_kept` in orchestration/source_contract.py). Within a table they are
    compared as they are; these macros find their duplicates and match their owners to the users' text ids
    without casting every row to text. -#}

{#- The integer ids that occur more than once, without a group per id: ids are taken in blocks of 64
    consecutive values (id >> 6), and each block's ids set bits of one 64-bit mask (bit id & 63). A block
    whose rows outnumber its mask's bits holds a repeated id; only those blocks' ids are then grouped one by
    one. Exact whatever the ids: a block of distinct ids sets one bit per row. At M (100M ids, 1.5M blocks)
    3.3 s against 15 s for the group by id. -#}
{% macro duplicated_integer_ids(relation, id_column) -%}
            select {{ id_column }} from {{ relation }}
            where {{ id_column }} >> 6 in (
                select {{ id_column }} >> 6 as id_block
                from {{ relation }}
                where {{ id_column }} is not null
                group by id_block
                having count(*) > bit_count(bit_or(cast(1 as ubigint) << cast({{ id_column }} & 63 as integer)))
            )
            group by {{ id_column }} having count(*) > 1
{%- endmacro %}

{#- The integer type of a relation's column, or none when it holds anything else (or when parsing). -#}
{% macro integer_column_type(relation, column_name) -%}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set integer_types = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
                             'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name == column_name and column.dtype | upper in integer_types -%}
            {{- return(column.dtype | upper) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(none) -}}
{%- endmacro %}

{#- The valid users' ids as keys for an event table's `owner_id` (the `owner_key` column). Owners kept as
    integers (orchestration/source_contract.py, `integers_kept`) meet the users as integers: a user id that
    is an integer's own text (`7`, not `007`) is cast to that integer, which matches exactly the owners
    whose text it is, without casting every owner to text (at M 2.2 s against 4.1 s for 100M activities). -#}
{% macro valid_owner_keys(events_relation, owner_column='owner_id') -%}
    {%- set owner_type = integer_column_type(events_relation, owner_column) -%}
    {%- if owner_type is not none %}
    select try_cast(user_id as {{ owner_type }}) as owner_key
    from {{ ref('int_users_checked') }}
    where rejection_reason is null
        and cast(try_cast(user_id as {{ owner_type }}) as varchar) = user_id
    {%- else %}
    select user_id as owner_key from {{ ref('int_users_checked') }} where rejection_reason is null
    {%- endif %}
{%- endmacro %}

{#- A text id from another table (a split's deal_id) as a key for a column that may hold integers (the
    deals' id): the integer whose own text it is (`7`, not `007`, nor `x`: those match no integer id,
    as their text matches no integer's text), or the text itself when the column holds text. -#}
{% macro text_id_as_key_of(text_expression, relation, column_name) -%}
    {%- set id_type = integer_column_type(relation, column_name) -%}
    {%- if id_type is not none -%}
        case when cast(try_cast({{ text_expression }} as {{ id_type }}) as varchar) = {{ text_expression }}
            then try_cast({{ text_expression }} as {{ id_type }}) end
    {%- else -%}
        {{ text_expression }}
    {%- endif -%}
{%- endmacro %}

{#- A pre-hook of an incremental table that keeps a raw table's ids (the checked deals): when their type
    changed (a CSV's text ids, then a Parquet file's integers), the table's columns take the new type before
    the model's transaction. dbt's schema sync would alter them inside it, after the delete pre-hook's
    rows, and DuckDB refuses to commit that. A change of the raw types rebuilds the event ledger whole, so
    the delete pre-hook, which runs (and commits) first, has emptied the table by then. -#}
{% macro align_id_column_types(source_relation, column_names) -%}
    {%- if execute and is_incremental() -%}
        {%- set wanted = {} -%}
        {%- for column in adapter.get_columns_in_relation(source_relation) -%}
            {%- if column.name in column_names -%}
                {%- do wanted.update({column.name: column.dtype | upper}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- if column.name in wanted and column.dtype | upper != wanted[column.name] %}
    alter table {{ this }} alter column {{ column.name }} type {{ wanted[column.name] }};
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
