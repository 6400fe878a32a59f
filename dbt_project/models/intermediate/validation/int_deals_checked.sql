{{ config(
    materialized='incremental',
    on_schema_change='sync_all_columns',
    pre_hook=[
        before_begin("{{ delete_event_rows_to_recompute(ref('int_deal_ledger_changes'), ref('int_deal_recomputed_dates'), 'closed_on', 'deal_id') }}"),
        before_begin("{{ align_id_column_types(ref('stg_crm__deals'), ['deal_id', 'owner_id']) }}"),
    ],
) }}
{#- A table, not a view: five models read it, and at scale the checks cost more than writing their result
    once. Incremental on the deals' local close dates (null: not closed) like the leads' and activities'
    ledger (macros/event_ledger.sql): a run checks again only the deals of int_deal_recomputed_dates. -#}
{#- Deals with their first failing contract check. A won deal needs a close date, an amount, and (in a
    currency other than USD and the reporting currency) a rate in force on its local close date. -#}
with

deals as (
    select * from {{ ref('stg_crm__deals') }}
),

duplicate_verdicts as (
    select * from {{ ref('int_deals_duplicate_ids') }}
),

valid_users as (
    {{ valid_owner_keys(ref('stg_crm__deals')) }}
),

currencies as (
    select currency_code from {{ ref('iso_4217_currencies') }}
),

first_rate_dates as (
    select currency, min(rate_date) as first_rate_date
    from {{ ref('int_fx_rates_checked') }}
    where rejection_reason is null
    group by currency
),

checked as (
    select
        deals.*,
        case
            when deals.deal_id is null then 'missing id'
            when deals._malformed is not null then 'malformed value: ' || deals._malformed
            when dup.duplicate_id is not null and ({{ duplicate_id_reason('deals.updated_at') }}) is not null
                then {{ duplicate_id_reason('deals.updated_at') }}
            when valid_users.owner_key is null
                then 'unknown owner_id ' || coalesce(cast(deals.owner_id as varchar), '(empty)')
            when deals.status is null or deals.status not in ('open', 'won', 'lost')
                then 'unknown status ' || coalesce(deals.status, '(empty)')
            when deals.amount < 0 then 'negative amount'
            when currencies.currency_code is null
                then 'unknown currency ' || coalesce(deals.currency, '(empty)')
            when deals.status = 'won' and deals.closed_at is null then 'won deal without closed_at'
            when deals.status = 'won' and deals.amount is null then 'won deal without amount'
            when deals.status = 'won'
                and deals.currency not in ('USD', {{ reporting_currency() }})
                and (first_rate_dates.first_rate_date is null or deals.closed_on < first_rate_dates.first_rate_date)
                then 'missing rate: no ' || deals.currency || ' rate on or before ' || cast(deals.closed_on as varchar)
        end as rejection_reason
    from deals
    left join duplicate_verdicts as dup on dup.duplicate_id = deals.deal_id
    left join valid_users on valid_users.owner_key = deals.owner_id
    left join currencies on currencies.currency_code = deals.currency
    left join first_rate_dates on first_rate_dates.currency = deals.currency
    where {{ event_rows_to_recompute(ref('int_deal_ledger_changes'), ref('int_deal_recomputed_dates'),
                                     'deals.closed_at', 'deals.closed_on', undated_id_column='deals.deal_id') }}
)

select * from checked
