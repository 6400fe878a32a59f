{#- No two rows share the same values in all of `columns` (nulls compare equal). A reusable table reused
    by this run holds the rows whose tests already passed: the check is skipped (macros/reusable_table.sql). -#}
{% test unique_combination(model, columns) %}
{%- if tests_already_passed(model) %}
select {{ columns | join(', ') }}, 0 as copies from {{ model }} where false
{%- else %}
select {{ columns | join(', ') }}, count(*) as copies
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endif %}
{% endtest %}
