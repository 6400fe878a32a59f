{#- Won deals' custom field values, one row per (deal, numeric column): the long form that lets a custom
    metric name any numeric column of deals without that name ever becoming SQL in the ledger. -#}
{%- set columns = numeric_deal_columns() -%}
with

won_deals as (
    select *
    from {{ ref('int_deals_checked') }}
    where rejection_reason is null and status = 'won'
),

custom_values as (
    {%- for column in columns %}
    select deal_id, '{{ column }}' as metric_field, cast("{{ column }}" as double) as custom_value
    from won_deals
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select deal_id, cast(null as varchar) as metric_field, cast(null as double) as custom_value
    from won_deals
    where false
    {%- endfor %}
)

select * from custom_values where custom_value is not null
