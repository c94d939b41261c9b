"""The dbt project as Dagster assets: staging, intermediate and mart models, seeds, and dbt tests as checks."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from .. import settings, warehouse
from .common import BUILD_DB_POOL, OWNERS

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
LAYER_GROUPS = {"staging": "staging", "intermediate": "staging", "marts": "marts"}


def dbt_env() -> dict[str, str]:
    """What the dbt profile reads (target, file or server); set per run so tests can point it elsewhere."""
    return warehouse.current().dbt_env()


dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def ensure_manifest() -> Path:
    """Parse the project once when no manifest exists (fresh clone); `make install` normally does this."""
    if not dbt_project.manifest_path.exists():
        subprocess.run([DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(settings.DBT_PROJECT_DIR),
                        "--profiles-dir", str(settings.DBT_PROJECT_DIR)], check=True,
                       env={**os.environ, **dbt_env()})
    return dbt_project.manifest_path


class WellledTranslator(DagsterDbtTranslator):
    """dbt sources are the raw tables ingest writes; models are keyed by layer, e.g. marts/dim_organisation."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        return dg.AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return LAYER_GROUPS.get(self._layer(dbt_resource_props), "staging")

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return OWNERS

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        if props["resource_type"] == "seed":
            return "seeds"
        fqn = props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "models"


translator = WellledTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), project=dbt_project, dagster_dbt_translator=translator,
            name="dbt_models", pool=BUILD_DB_POOL)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Seeds, staging, intermediate and mart models with their dbt tests (`dbt build`)."""
    os.environ.update(dbt_env())
    # dbt holds the build file's only lock while it runs, so row counts are read once it has finished
    # (dagster-dbt's fetch_row_counts would open a second connection beside it and be refused).
    # dbt's artifacts go with the run's other records, not into a new folder under dbt_project/ per run.
    target = settings.run_dir(context.run.run_id) / "dbt"
    invocation = dbt.cli(["build"], context=context, raise_on_error=False, target_path=target)
    events = list(invocation.stream())
    counts = _row_counts()
    for event in events:
        key = getattr(event, "asset_key", None) or _output_key(context, event)
        if isinstance(event, dg.Output | dg.AssetMaterialization) and key and tuple(key.path) in counts:
            event = event.with_metadata({**event.metadata, "dagster/row_count": counts[tuple(key.path)]})
        yield event
    if not invocation.is_successful():
        raise dg.Failure(description="dbt build failed: a model errored or a dbt test failed. Downstream models "
                                     "were skipped and nothing is published. See the dbt checks and log above.",
                         metadata={"dbt_log": str(target / "dbt.log")})


def _output_key(context: dg.AssetExecutionContext, event) -> dg.AssetKey | None:
    name = getattr(event, "output_name", None)
    return context.asset_key_for_output(name) if name else None


def _row_counts() -> dict[tuple[str, str], int]:
    return warehouse.current().row_counts(("seeds", "staging", "intermediate", "marts"))


dbt_resource = DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
