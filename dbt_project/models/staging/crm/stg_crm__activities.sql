{#- The activities as the CRM gives them, renamed. `activity_id` and `owner_id` keep the raw table's type:
    integers when the file stores them so (the contract's `integers_kept`, orchestration/source_contract.py),
    else text. Readers compare them within this table as they are and cast them where they meet text ids.

    No local date here: int_activities_checked adds it after the checks. The rejected rows
    (int_activities_rejected) read the checks without it and date only the rows they keep: DuckDB keeps a
    left join whose columns a query does not read, and the date's join cost every reader a pass over the
    95M activities at M (the rejected rows' model 3.45 s -> 2.1 s). -#}
with

source as (
    select * from {{ source('crm', 'activities') }}
),

renamed as (
    select
        id as activity_id,
        owner_id,
        lower(type) as activity_type,
        occurred_at,
        updated_at,
        _malformed
    from source
)

select * from renamed
