{#- Models land in the schema their folder names (staging, intermediate, marts), not "main_marts":
    analysts and the application read `marts.leaderboard`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
