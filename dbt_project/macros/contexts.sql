{#- Two relations describe the same context: the same quota period or goal range, and the same metric key
    (metric_field compares null-safely: it is null for every metric but custom). -#}
{% macro same_context(left, right) -%}
    {{ left }}.context_id = {{ right }}.context_id
    and {{ left }}.metric_type = {{ right }}.metric_type
    and {{ left }}.metric_field is not distinct from {{ right }}.metric_field
{%- endmacro %}

{#- A user's series: one user, one metric key, one currency (the target currency for revenue; null for every
    other metric, whose values carry no currency). An individual target reads the series of its user, its
    metric key and its currency; see int_individual_targets. The two nullable keys compare through '' (no
    column or currency is named ''): DuckDB's ASOF join, where this is used, matches nothing when it is given
    more than one IS NOT DISTINCT FROM condition. -#}
{% macro same_series(left, right) -%}
    {{ left }}.user_id = {{ right }}.user_id
    and {{ left }}.metric_type = {{ right }}.metric_type
    and coalesce({{ left }}.metric_field, '') = coalesce({{ right }}.metric_field, '')
    and coalesce({{ left }}.currency, '') = coalesce({{ right }}.currency, '')
{%- endmacro %}

{#- The currency of an individual target's series: its own currency for revenue, none for the rest. -#}
{% macro series_currency(metric_type, currency) -%}
    case when {{ metric_type }} = 'revenue' then {{ currency }} end
{%- endmacro %}
