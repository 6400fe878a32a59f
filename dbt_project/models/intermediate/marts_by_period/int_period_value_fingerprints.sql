{{ config(materialized='table') }}
{#- Per quota period, a fingerprint of its quotas' values as of D (a sum of hashes of each quota's value
    and week's change) and their count; and, the same on every row, a fingerprint of everything else the
    kept mart rows read (the quota configuration, the users, the teams, the memberships, the periods: a
    sum of hashes of their whole rows, about 0.2 s at M). The marts kept by period
    (macros/kept_by_period.sql) compute a period again when its values' fingerprint differs from the one
    its rows were computed from, and every period when the other inputs' does. A table: four models read
    it twice each. -#}
with

inputs as (
    {%- for name in kept_mart_static_inputs() %}
    select '{{ name }}' as input, count(*) as row_count, coalesce(sum(hash(rows)), 0) as fingerprint
    from {{ ref(name) }} as rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

inputs_fingerprint as (
    select md5(string_agg(input || ':' || row_count || ':' || fingerprint, '|' order by input)) as fingerprint
    from inputs
)

select
    targets.period_id,
    any_value(targets.start_date) as start_date,
    any_value(targets.end_date) as end_date,
    sum(hash(values_as_of.target_id, values_as_of.current_value, values_as_of.week_delta)) as fingerprint,
    count(*) as value_count,
    any_value(inputs_fingerprint.fingerprint) as inputs_fingerprint
from {{ ref('int_target_values') }} as values_as_of
inner join {{ ref('int_targets') }} as targets
    on targets.target_kind = values_as_of.target_kind and targets.target_id = values_as_of.target_id
cross join inputs_fingerprint
where values_as_of.target_kind = 'quota'
group by targets.period_id
