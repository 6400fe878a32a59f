{#- A deal's split rows stand or fall together: when any row of a deal is invalid, or the rows do not sum
    to 100, every row of that deal is rejected and the owner keeps 100% of the deal. -#}
with

{#- The split's deal_id as a key of the deals' ids, which may be integers (macros/integer_ids.sql). #}
splits as (
    select
        *,
        {{ text_id_as_key_of('deal_id', ref('int_deals_checked'), 'deal_id') }} as deal_key
    from {{ ref('stg_crm__deal_splits') }}
),

valid_deals as (
    select deal_id from {{ ref('int_deals_checked') }} where rejection_reason is null
),

valid_users as (
    select user_id from {{ ref('int_users_checked') }} where rejection_reason is null
),

row_checks as (
    select
        splits.*,
        valid_deals.deal_id is not null as deal_is_known,
        case
            when splits._malformed is not null then 'malformed value: ' || splits._malformed
            when valid_users.user_id is null then 'unknown user_id ' || coalesce(splits.user_id, '(empty)')
            when splits.split_percent is null or splits.split_percent <= 0 or splits.split_percent > 100
                then 'percent ' || coalesce(cast(splits.split_percent as varchar), '(empty)')
                    || ' is outside (0, 100]'
        end as row_problem
    from splits
    left join valid_deals on valid_deals.deal_id = splits.deal_key
    left join valid_users on valid_users.user_id = splits.user_id
),

deal_checks as (
    select
        deal_id,
        count(row_problem) as rows_with_problems,
        sum(split_percent) as percent_total
    from row_checks
    group by deal_id
),

checked as (
    select
        row_checks.* exclude (deal_key, deal_is_known, row_problem),
        case
            when not row_checks.deal_is_known then 'unknown deal_id ' || coalesce(row_checks.deal_id, '(empty)')
            when row_checks.row_problem is not null then row_checks.row_problem
            when deal_checks.rows_with_problems > 0
                then 'another split row of this deal is invalid; the owner keeps 100%'
            when abs(deal_checks.percent_total - 100) > 1e-9 * 100
                then 'split percents of this deal sum to ' || cast(round(deal_checks.percent_total, 6) as varchar)
                    || ', not 100; the owner keeps 100%'
        end as rejection_reason
    from row_checks
    left join deal_checks on deal_checks.deal_id is not distinct from row_checks.deal_id
)

select * from checked
