{#- Who is credited with each won deal, and with what share: the valid split rows, else the owner 100%. The
    deal's close date comes along: the daily check of this view's keys reads only the deals of the dates the
    ledger recomputes, and a filter on its own column reaches the deals' scan, where the same deals named
    by a semi-join were found after every won deal's shares (at M 1.3 s -> 0.7 s alone). -#}
with

won_deals as (
    select deal_id, owner_id, closed_on
    from {{ ref('int_deals_checked') }}
    where rejection_reason is null and status = 'won'
),

{#- The splits' text deal ids as keys of the deals' ids, which may be integers (macros/integer_ids.sql). #}
valid_splits as (
    select
        {{ text_id_as_key_of('deal_id', ref('int_deals_checked'), 'deal_id') }} as deal_id,
        user_id,
        split_percent
    from {{ ref('int_deal_splits_checked') }}
    where rejection_reason is null
),

split_shares as (
    select
        won_deals.deal_id,
        valid_splits.user_id,
        valid_splits.split_percent / 100.0 as credit_share,
        won_deals.closed_on
    from won_deals
    inner join valid_splits on valid_splits.deal_id = won_deals.deal_id
),

owner_shares as (
    select won_deals.deal_id, cast(won_deals.owner_id as varchar) as user_id, 1.0 as credit_share, won_deals.closed_on
    from won_deals
    where not exists (select 1 from valid_splits where valid_splits.deal_id = won_deals.deal_id)
)

select * from split_shares
union all
select * from owner_shares
