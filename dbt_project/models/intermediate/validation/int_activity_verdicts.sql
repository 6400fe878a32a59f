{#- Every activity row with the first check it failed (`rejection_reason`, null when it passed), without
    its local date: int_activities_checked adds the date for the ledger, int_activities_rejected dates only
    the rows it sets aside. A view: the checks are joins to small tables (the duplicate ids above all,
    int_activities_duplicate_ids), cheaper to evaluate in each reader than to write activities again. The
    ids keep their raw type (integers from a Parquet file: see stg_crm__activities), and so do the valid
    users' keys (macros/integer_ids.sql). -#}
with

activities as (
    select * from {{ ref('stg_crm__activities') }}
),

duplicate_verdicts as (
    select * from {{ ref('int_activities_duplicate_ids') }}
),

valid_users as (
    {{ valid_owner_keys(ref('stg_crm__activities')) }}
),

checked as (
    select
        activities.*,
        case
            when activities.activity_id is null then 'missing id'
            when activities._malformed is not null then 'malformed value: ' || activities._malformed
            when dup.duplicate_id is not null
                and ({{ duplicate_id_reason('activities.updated_at') }}) is not null
                then {{ duplicate_id_reason('activities.updated_at') }}
            when valid_users.owner_key is null
                then 'unknown owner_id ' || coalesce(cast(activities.owner_id as varchar), '(empty)')
            when activities.activity_type is null or activities.activity_type not in ('call', 'meeting', 'email')
                then 'unknown activity type ' || coalesce(activities.activity_type, '(empty)')
            when activities.occurred_at is null then 'missing occurred_at'
        end as rejection_reason
    from activities
    left join duplicate_verdicts as dup on dup.duplicate_id = activities.activity_id
    left join valid_users on valid_users.owner_key = activities.owner_id
)

select * from checked
