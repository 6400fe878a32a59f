{{ config(materialized='table') }}
{#- Per quota period, a fingerprint of its quotas' values as of D (a sum of hashes of each quota's value
    and week's change) and their count. The marts kept by period (macros/kept_by_period.sql) compute a
    period again when these differ from the ones its rows were computed from. A table: four models read it
    twice each. -#}
select
    targets.period_id,
    any_value(targets.start_date) as start_date,
    any_value(targets.end_date) as end_date,
    sum(hash(values_as_of.target_id, values_as_of.current_value, values_as_of.week_delta)) as fingerprint,
    count(*) as value_count
from {{ ref('int_target_values') }} as values_as_of
inner join {{ ref('int_targets') }} as targets
    on targets.target_kind = values_as_of.target_kind and targets.target_id = values_as_of.target_id
where values_as_of.target_kind = 'quota'
group by targets.period_id
