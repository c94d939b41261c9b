"""Dagster definitions by domain, found by `load_from_defs_folder` (pipelines/definitions.py).

- sources/: ingest assets, the source gates, partitioned ingest jobs, the landing sensor
- respondents/: respondent-level ingest, its gates, respondent_refresh
- models/: the dbt assets (with dbt's tests as checks) and the mart gates
- publication/: the publish asset and the profile site, national_refresh and build_and_publish, schedules,
  run-failure alerts
- common.py (pool, owners, tags, previews), gates.py (a GX suite as a Dagster check), resources.py

The logic lives in the modules outside defs/ (sources, quality, warehouse, publish, profiles).
"""
