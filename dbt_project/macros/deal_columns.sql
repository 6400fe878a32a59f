{#- The numeric columns of deals a custom metric may name: `amount` and every numeric extra column.
    They are read from the warehouse's own catalogue, and only plain identifiers are kept, so a
    metric_field from the quota configuration is compared as a string with these names and never
    becomes SQL itself. -#}
{% macro numeric_deal_columns() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set not_measures = ['id', 'owner_id', 'name', 'currency', 'stage', 'status', 'created_at',
                            'closed_at', 'updated_at', '_malformed'] -%}
    {%- set numeric_types = ['double', 'float', 'real', 'tinyint', 'smallint', 'integer', 'bigint',
                             'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint'] -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(source('crm', 'deals')) -%}
        {%- set dtype = column.dtype | lower -%}
        {%- set is_numeric = dtype in numeric_types or dtype.startswith('decimal') -%}
        {%- if is_numeric and column.name not in not_measures
              and modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', column.name) -%}
            {%- do names.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}

{#- The same names as a SQL list of string literals, for `metric_field in (...)`. -#}
{% macro numeric_deal_column_list_sql() -%}
    {%- set names = numeric_deal_columns() -%}
    ({%- for name in names -%}'{{ name }}'{%- if not loop.last %}, {% endif -%}{%- else -%}null{%- endfor -%})
{%- endmacro %}
