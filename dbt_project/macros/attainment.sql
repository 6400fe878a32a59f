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

{#- Sums of values are taken in fixed point. A floating-point sum depends on the order rows arrive in,
    which varies between runs on several threads, so the same data could show 95,780.83 one day and
    95,780.82 the next; a DECIMAL(38, 9) sum gives the same answer every time. -#}
{% macro exact_sum(expression) -%}
    sum(cast({{ expression }} as decimal(38, 9)))
{%- endmacro %}
