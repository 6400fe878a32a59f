{#- Every lead row with its verdict (int_lead_verdicts) and its creation date in the company time zone
    (`created_on`): what the ledger reads. A view, like the verdicts. -#}
select
    verdicts.*,
    {{ local_date_from_join('verdicts.created_at', 'local_hour') }} as created_on
from {{ ref('int_lead_verdicts') }} as verdicts
{{ local_date_join('verdicts.created_at', 'local_hour') }}
