{#- Convert an amount from one currency to another with the USD rates in force that day.
    The same currency never needs a rate (and is never touched by rounding). -#}
{% macro convert_currency(amount, from_currency, to_currency, from_rate, to_rate) -%}
    case
        when {{ from_currency }} is null or {{ from_currency }} = {{ to_currency }} then {{ amount }}
        else {{ amount }} * {{ from_rate }} / {{ to_rate }}
    end
{%- endmacro %}
