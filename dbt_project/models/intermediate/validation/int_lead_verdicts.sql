{#- Every lead row with the first check it failed (`rejection_reason`, null when it passed), without its
    local date: int_leads_checked adds the date for the ledger, int_leads_rejected dates only the rows it
    sets aside. A view: the checks are joins to small tables (the duplicate ids above all,
    int_leads_duplicate_ids), cheaper to evaluate in each reader than to write leads again. The ids keep
    their raw type (integers from a Parquet file: see stg_crm__leads), and so do the valid users' keys
    (macros/integer_ids.sql). -#}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

duplicate_verdicts as (
    select * from {{ ref('int_leads_duplicate_ids') }}
),

valid_users as (
    {{ valid_owner_keys(ref('stg_crm__leads')) }}
),

checked as (
    select
        leads.*,
        case
            when leads.lead_id is null then 'missing id'
            when leads._malformed is not null then 'malformed value: ' || leads._malformed
            when dup.duplicate_id is not null and ({{ duplicate_id_reason('leads.updated_at') }}) is not null
                then {{ duplicate_id_reason('leads.updated_at') }}
            when valid_users.owner_key is null
                then 'unknown owner_id ' || coalesce(cast(leads.owner_id as varchar), '(empty)')
            when leads.created_at is null then 'missing created_at'
        end as rejection_reason
    from leads
    left join duplicate_verdicts as dup on dup.duplicate_id = leads.lead_id
    left join valid_users on valid_users.owner_key = leads.owner_id
)

select * from checked
