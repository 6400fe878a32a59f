{#- "The lowest id": ids that read as integers first, numerically, then the others as text. -#}
{% macro id_order(column) -%}
    try_cast({{ column }} as hugeint) asc nulls last, {{ column }} asc
{%- endmacro %}
