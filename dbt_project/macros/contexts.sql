{#- Two relations describe the same context: the same quota period or goal range, and the same metric key
    (metric_field compares null-safely: it is null for every metric but custom). -#}
{% macro same_context(left, right) -%}
    {{ left }}.context_id = {{ right }}.context_id
    and {{ left }}.metric_type = {{ right }}.metric_type
    and {{ left }}.metric_field is not distinct from {{ right }}.metric_field
{%- endmacro %}

{#- The currency of an individual target's series (int_user_series): its own currency for revenue, none for
    the rest, whose values carry no currency. -#}
{% macro series_currency(metric_type, currency) -%}
    case when {{ metric_type }} = 'revenue' then {{ currency }} end
{%- endmacro %}
