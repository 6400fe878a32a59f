{#- Each deal row's id and updated_at: all the duplicate-id check reads. -#}
select
    id as deal_id,
    updated_at
from {{ source('crm', 'deals') }}
