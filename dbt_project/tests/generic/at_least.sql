{#- Every non-null value of the column is >= `minimum`. -#}
{% test at_least(model, column_name, minimum) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ minimum }}
{% endtest %}
