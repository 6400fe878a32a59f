{{ config(materialized='table') }}
{#- The hours of deals whose rows changed since the last complete run, and whether this run rebuilds the
    deals' ledger whole (see macros/event_ledger.sql). Besides the users, the time zone and the code, a deal's
    check and credits depend on its split rows, the first date each currency has a rate, the reporting
    currency and the deals' columns (the custom fields): a change to any of them rebuilds the deals whole. -#}
{{ event_ledger_changes(
    ref('int_deal_hour_fingerprints'),
    'int_deal_ledger_state',
    ['int_deals_duplicate_ids', 'int_deals_checked', 'int_deal_credits_daily'],
    other_inputs=[
        "select sum(cast(hash(splits) as hugeint)) from " ~ ref('stg_crm__deal_splits') ~ " as splits",
        "select sum(cast(hash(currency, first_rate_date) as hugeint)) from (select currency, min(rate_date) as"
            ~ " first_rate_date from " ~ ref('int_fx_rates_checked') ~ " where rejection_reason is null group by"
            ~ " currency)",
        "select cast(hash(" ~ reporting_currency() ~ ") as hugeint)",
        column_types_fingerprint(source('crm', 'deals')),
    ],
) }}
