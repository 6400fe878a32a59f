{#- Two relations describe the same context: the same quota period or goal range, and the same metric key
    (metric_field compares null-safely: it is null for every metric but custom). -#}
{% macro same_context(left, right) -%}
    {{ left }}.context_id = {{ right }}.context_id
    and {{ left }}.metric_type = {{ right }}.metric_type
    and {{ left }}.metric_field is not distinct from {{ right }}.metric_field
{%- endmacro %}
