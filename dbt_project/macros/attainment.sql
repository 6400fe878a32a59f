{#- Rounding and comparisons with targets, written once. Values are floating-point sums, so both allow
    a relative tolerance of 1e-9: 12.345 rounds half-up to 12.35 even when stored as 12.34499999... -#}

{% macro round_half_up(expression, digits=2) -%}
    cast(
        floor(({{ expression }}) * 1e{{ digits }} + 0.5 + 1e-9 * abs(({{ expression }}) * 1e{{ digits }}))
        / 1e{{ digits }}
        as decimal(18, {{ digits }})
    )
{%- endmacro %}

{#- value / target x 100, half-up to 2 decimals, never capped; null unless the target is positive. -#}
{% macro attainment_percent(value, target) -%}
    case when {{ target }} > 0 then {{ round_half_up('(' ~ value ~ ') / (' ~ target ~ ') * 100') }} end
{%- endmacro %}

{% macro reaches_target(value, target) -%}
    ({{ value }} >= ({{ target }}) * (1 - 1e-9))
{%- endmacro %}
