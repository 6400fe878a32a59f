{{ config(materialized='reusable_table') }}
{#- Every scope a rollup can reach, numbered: the company (0) and each valid team (from 1, in the order of
    their ids). The rollups' daily values are stored by `receiver_key` (with int_target_contexts'
    `context_key`); this table names them, and it is the list of scopes every context's rollups are given
    (macros/rollups.sql). The numbers change only with the set of teams, which changes
    int_team_path_weights (it carries them), and the ledger then recomputes every rollup. -#}
select 'company' as scope_type, cast(null as varchar) as team_id, 0 as receiver_key

union all

select 'team', team_id, row_number() over (order by team_id)
from (select distinct team_id from {{ ref('int_teams_checked') }} where rejection_reason is null)
