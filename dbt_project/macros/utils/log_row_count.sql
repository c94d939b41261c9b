{#- A post-hook on every model and seed: logs the relation's row count as the build goes, so the Dagster asset
    shows it (pipelines/defs/models/assets.py reads these lines). Read afterwards instead, the counts would wait for
    dbt to release the build file and hold back every materialization until the whole build had finished.
    A view is not counted: counting it would run its whole query once more, for a figure nobody publishes. -#}
{% macro log_row_count() %}
  {%- if execute and flags.WHICH in ("build", "run", "seed") and config.get("materialized") != "view" -%}
    {%- set counted = run_query("select count(*) from " ~ this) -%}
    {%- do log("wellled row_count " ~ model.unique_id ~ " " ~ counted.columns[0].values()[0], info=True) -%}
  {%- endif -%}
{% endmacro %}
