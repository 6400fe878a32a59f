{#- Each activity row's id and updated_at: all the duplicate-id check reads. Without the time-zone join of
    stg_crm__activities, the check's aggregate over every id reads two columns of the raw table. The id keeps
    its raw type (see stg_crm__activities). -#}
select
    id as activity_id,
    updated_at
from {{ source('crm', 'activities') }}
