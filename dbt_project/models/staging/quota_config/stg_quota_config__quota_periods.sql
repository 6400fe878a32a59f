with

source as (
    select * from {{ source('quota_config', 'quota_periods') }}
),

renamed as (
    select
        id as period_id,
        name as period_name,
        lower(period_type) as period_type,
        start_date,
        end_date,
        is_active,
        _malformed
    from source
)

select * from renamed
