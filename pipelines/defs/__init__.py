"""Dagster definitions: assets (ingest, dbt, publish), checks, jobs. Logic lives in the pure modules."""
