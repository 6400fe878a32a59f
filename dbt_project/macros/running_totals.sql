{#- Every row of `relation` (which carries a user's series: user_id, metric_type, metric_field, currency)
    with the series' running total at the end of `day_column`: the total of the last day on or before it
    that earned something, 0 when there is none. -#}
{% macro with_running_total_on(relation, day_column, as_column='running_total') -%}
    select
        looked_up.*,
        coalesce(totals.value_to_date, 0) as {{ as_column }}
    from {{ relation }} as looked_up
    asof left join {{ ref('int_user_running_totals') }} as totals
        on {{ same_series('totals', 'looked_up') }}
        and totals.credit_date <= looked_up.{{ day_column }}
{%- endmacro %}
