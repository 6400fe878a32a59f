{#- Every activity row with its verdict (int_activity_verdicts) and its date in the company time zone
    (`occurred_on`): what the ledger reads. A view, like the verdicts. -#}
select
    verdicts.*,
    {{ local_date_from_join('verdicts.occurred_at', 'local_hour') }} as occurred_on
from {{ ref('int_activity_verdicts') }} as verdicts
{{ local_date_join('verdicts.occurred_at', 'local_hour') }}
