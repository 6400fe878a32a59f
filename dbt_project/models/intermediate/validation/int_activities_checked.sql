{#- A view: the checks are joins to small tables (the duplicate ids above all, int_activities_duplicate_ids),
    cheaper to evaluate in each of the two readers (the ledger, the quarantine) than to write activities again.
    The ids keep their raw type (integers from a Parquet file: see stg_crm__activities). Integer owners meet the
    valid users as integers: a user id that is an integer's own text (`7`, not `007`) is cast to that integer,
    which matches exactly the owners whose text it is, without casting 100M owners to text (at M 2.2 s
    against 4.1 s for each of the two readers). -#}
{%- set owner_type = integer_column_type(ref('stg_crm__activities'), 'owner_id') %}
with

activities as (
    select * from {{ ref('stg_crm__activities') }}
),

duplicate_verdicts as (
    select * from {{ ref('int_activities_duplicate_ids') }}
),

valid_users as (
    {%- if owner_type is not none %}
    select try_cast(user_id as {{ owner_type }}) as owner_key
    from {{ ref('int_users_checked') }}
    where rejection_reason is null
        and cast(try_cast(user_id as {{ owner_type }}) as varchar) = user_id
    {%- else %}
    select user_id as owner_key from {{ ref('int_users_checked') }} where rejection_reason is null
    {%- endif %}
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
