{#- metric_field only means something for custom quotas; for every other metric it is cleared, so that
    metric keys (metric_type, metric_field) compare equal however the application filled it. -#}
with

source as (
    select * from {{ source('quota_config', 'quotas') }}
),

renamed as (
    select
        id as quota_id,
        period_id,
        user_id,
        team_id,
        lower(metric_type) as metric_type,
        case when lower(metric_type) = 'custom' then metric_field end as metric_field,
        target_value,
        upper(currency) as currency,
        coalesce(weight, 1.0) as weight,
        case
            when user_id is not null then 'individual'
            when team_id is not null then 'team'
            else 'company'
        end as scope_type,
        _malformed
    from source
)

select * from renamed
