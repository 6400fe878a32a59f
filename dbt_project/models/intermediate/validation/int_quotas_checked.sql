{{ config(materialized='reusable_table', meta={'reads_only_the_columns_of': ['crm.deals']}) }}
{#- Quotas with their first failing check, their period's dates and their scope. A custom quota's
    metric_field must be one of the numeric columns deals actually has: it is compared as a name with
    that list and never reaches SQL. A quota without a currency is in the reporting currency.
    A reusable table: some ten models read it, and as a view its checks over 1.6M quotas at M ran again
    for each of them (~0.8 s a read). -#}
-- the numeric deal columns are read from the catalogue at run time: deals is an input like the others,
-- though only its columns count for reuse (a new day of deals does not check the quotas again)
-- depends_on: {{ source('crm', 'deals') }}
with

quotas as (
    select * from {{ ref('stg_quota_config__quotas') }}
),

duplicate_verdicts as (
    {{ duplicate_id_verdicts(ref('stg_quota_config__quotas'), 'quota_id') }}
),

valid_periods as (
    select * from {{ ref('int_quota_periods_checked') }} where rejection_reason is null
),

valid_users as (
    select user_id from {{ ref('int_users_checked') }} where rejection_reason is null
),

valid_teams as (
    select team_id from {{ ref('int_teams_checked') }} where rejection_reason is null
),

currencies as (
    select currency_code from {{ ref('iso_4217_currencies') }}
),

checked as (
    select
        quotas.quota_id,
        quotas.period_id,
        quotas.user_id,
        case when quotas.scope_type = 'individual' then null else quotas.team_id end as scope_team_id,
        quotas.team_id,
        quotas.metric_type,
        quotas.metric_field,
        quotas.target_value,
        coalesce(quotas.currency, {{ reporting_currency() }}) as currency,
        quotas.weight,
        quotas.scope_type,
        valid_periods.period_name,
        valid_periods.period_type,
        valid_periods.start_date,
        valid_periods.end_date,
        case
            when quotas.quota_id is null then 'missing id'
            when quotas._malformed is not null then 'malformed value: ' || quotas._malformed
            when dup.duplicate_id is not null then {{ duplicate_id_reason() }}
            when valid_periods.period_id is null
                then 'unknown period_id ' || coalesce(quotas.period_id, '(empty)')
            when quotas.scope_type = 'individual' and valid_users.user_id is null
                then 'unknown user_id ' || quotas.user_id
            when quotas.scope_type = 'team' and valid_teams.team_id is null
                then 'unknown team_id ' || quotas.team_id
            when quotas.metric_type is null
                or quotas.metric_type not in ('revenue', 'deals', 'leads', 'calls', 'meetings', 'emails', 'custom')
                then 'unknown metric_type ' || coalesce(quotas.metric_type, '(empty)')
            when quotas.target_value is null or quotas.target_value <= 0 then 'target_value must be > 0'
            when quotas.metric_type = 'custom'
                and (quotas.metric_field is null or quotas.metric_field not in {{ numeric_deal_column_list_sql() }})
                then 'metric_field ' || coalesce('''' || quotas.metric_field || '''', '(empty)')
                    || ' is not a numeric column of deals'
            when quotas.currency is not null and currencies.currency_code is null
                then 'unknown currency ' || quotas.currency
        end as rejection_reason
    from quotas
    left join duplicate_verdicts as dup on dup.duplicate_id = quotas.quota_id
    left join valid_periods on valid_periods.period_id = quotas.period_id
    left join valid_users on valid_users.user_id = quotas.user_id
    left join valid_teams on valid_teams.team_id = quotas.team_id
    left join currencies on currencies.currency_code = quotas.currency
)

select * from checked
