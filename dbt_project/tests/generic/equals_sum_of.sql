{#- A reconciliation: for each group, `column_name` equals the sum of `other_column` in `other_model`
    over rows with the same `keys` (relative tolerance 1e-9). -#}
{% test equals_sum_of(model, column_name, other_model, other_column, keys, where='true') %}
with

expected as (
    select {{ keys | join(', ') }}, sum({{ other_column }}) as total
    from {{ other_model }}
    group by {{ keys | join(', ') }}
),

actual as (
    select {{ keys | join(', ') }}, {{ column_name }} as value
    from {{ model }}
    where {{ where }}
)

select actual.*, expected.total
from actual
inner join expected
    on {% for key in keys %}actual.{{ key }} is not distinct from expected.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
where abs(actual.value - expected.total) > 1e-9 * greatest(abs(expected.total), 1)
{% endtest %}
