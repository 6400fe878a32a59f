{#- Every team and the company in every context, with its value as of D and over the week to D: a team
    that earned nothing still has its row, at 0. -#}
{#- The query is macros/rollups.sql's, for every context. -#}
{{ rollup_values() }}
