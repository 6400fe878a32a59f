with

periods as (
    select * from {{ ref('stg_quota_config__quota_periods') }}
),

duplicate_verdicts as (
    {{ duplicate_id_verdicts(ref('stg_quota_config__quota_periods'), 'period_id') }}
),

checked as (
    select
        periods.*,
        case
            when periods.period_id is null then 'missing id'
            when periods._malformed is not null then 'malformed value: ' || periods._malformed
            when dup.duplicate_id is not null then {{ duplicate_id_reason() }}
            when periods.period_type is null or periods.period_type not in ('month', 'quarter', 'year')
                then 'unknown period_type ' || coalesce(periods.period_type, '(empty)')
            when periods.start_date is null or periods.end_date is null then 'missing start_date or end_date'
            when periods.end_date < periods.start_date then 'end_date is before start_date'
        end as rejection_reason
    from periods
    left join duplicate_verdicts as dup on dup.duplicate_id = periods.period_id
)

select * from checked
