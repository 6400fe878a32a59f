{#- Convert an amount from one currency to another with the USD rates in force that day.
    The same currency never needs a rate (and is never touched by rounding). -#}
{% macro convert_currency(amount, from_currency, to_currency, from_rate, to_rate) -%}
    case
        when {{ from_currency }} is null or {{ from_currency }} = {{ to_currency }} then {{ amount }}
        else {{ amount }} * {{ from_rate }} / {{ to_rate }}
    end
{%- endmacro %}

{#- The two rate lookups every conversion needs: the USD rate of the amount's currency and of the target
    currency, both in force on the given day, as `from_rate` and `to_rate` for convert_currency. -#}
{% macro fx_rate_joins(from_currency, to_currency, rate_date) -%}
    left join {{ ref('int_fx_rates_daily') }} as from_rate
        on from_rate.currency = {{ from_currency }}
        and from_rate.rate_date = {{ rate_date }}
    left join {{ ref('int_fx_rates_daily') }} as to_rate
        on to_rate.currency = {{ to_currency }}
        and to_rate.rate_date = {{ rate_date }}
{%- endmacro %}
