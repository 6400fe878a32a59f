{#- The targets a team's (or the company's) direct children carry, on the reference day
    R = min(max(D, start), end): sub-teams with their own target (target x weight), and users who are
    members on R with their own target (target x its weight x membership weight); users with no team on R
    and top-level teams are the company's children. Converted into the parent's currency on R. -#}
{#- The query is macros/rollups.sql's, for every context. -#}
{{ rollup_member_targets() }}
