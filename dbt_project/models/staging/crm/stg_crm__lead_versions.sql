{#- Each lead row's id and updated_at: all the duplicate-id check reads. Without the time-zone join of
    stg_crm__leads, the check's aggregate over every id reads two columns of the raw table. The id keeps
    its raw type (see stg_crm__leads). -#}
select
    id as lead_id,
    updated_at
from {{ source('crm', 'leads') }}
