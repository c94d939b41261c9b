"""The dbt project as Dagster assets: staging, intermediate and mart models, seeds, and dbt tests as checks."""

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.dbt_manifest import validate_manifest
from packaging import version

from ... import settings, warehouse
from ...disk_space import disk_full_message, log_says_disk_full
from ...permissions import owner_only_dir
from ..common import BUILD_DB_POOL, OWNERS

# One Dagster group per dbt layer (the raw tables are "sources" and the publication "publication", set where they
# are defined), so the UI shows the flow staging -> intermediate -> marts.
LAYER_GROUPS = ("seeds", "staging", "intermediate", "marts")


def dbt_env() -> dict[str, str]:
    """What the dbt profile reads (target, file or server); set per run so tests can point it elsewhere."""
    return warehouse.current().dbt_env()


dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def ensure_manifest() -> Path:
    """Parse the project once when no manifest exists (fresh clone); `make install` normally does this."""
    if not dbt_project.manifest_path.exists():
        subprocess.run([settings.DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(settings.DBT_PROJECT_DIR),
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
        layer = self._layer(dbt_resource_props)
        if layer not in LAYER_GROUPS:
            raise ValueError(f"dbt node {dbt_resource_props['unique_id']} is outside the layer folders "
                             f"({', '.join(LAYER_GROUPS)}): move it into one.")
        return layer

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return OWNERS

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        """An intermediate table that a mart publishes unchanged shows the mart's documented columns: they are
        written once, where BI users read them."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        if "dagster/column_schema" in spec.metadata:
            return spec
        copy = published_copy(manifest, unique_id)
        if copy is None:
            return spec
        columns = [dg.TableColumn(name, column.get("data_type") or "", description=column.get("description") or None)
                   for name, column in copy["columns"].items()]
        return spec.merge_attributes(metadata={"dagster/column_schema": dg.TableSchema(columns=columns)})

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: DbtProject | None) -> dg.AssetCheckSpec | None:
        """dagster-dbt's check for a dbt test, described in words (it leaves the description empty)."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=describe_test(manifest["nodes"][unique_id]))

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        if props["resource_type"] == "seed":
            return "seeds"
        fqn = props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "models"


COPY_SQL = re.compile(r"^\s*(\{#.*?#\}\s*)?select \* from \{\{ ref\('(?P<model>\w+)'\) \}\}\s*$", re.S)


def published_copy(manifest: Mapping[str, Any], unique_id: str) -> Mapping[str, Any] | None:
    """The mart that is `select * from` this model, if any."""
    name = unique_id.split(".")[-1]
    for child in manifest.get("child_map", {}).get(unique_id, []):
        node = manifest["nodes"].get(child, {})
        if node.get("resource_type") != "model" or not node.get("columns"):  # most children are tests: no regex
            continue
        match = COPY_SQL.match(node.get("raw_code") or "")
        if match and match["model"] == name:
            return node
    return None


def describe_test(test: Mapping[str, Any]) -> str:
    """A readable description of a dbt test from its kind, column, model and arguments (or, for a singular
    test, the comment at the top of its SQL), and whether it blocks."""
    meta = test.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    model = (test.get("attached_node") or next(iter(test.get("depends_on", {}).get("nodes", [])), "")).split(".")[-1]
    column = f"`{kwargs.get('column_name') or test.get('column_name')}`"
    kind = meta.get("name")
    if kind == "not_null":
        what = f"{column} of {model} is never null."
    elif kind == "column_rules":
        what = f"in {model}, " + "; ".join(_column_rules(kwargs)) + "."
    elif kind == "unique":
        what = f"{column} of {model} is unique: one row per value."
    elif kind == "accepted_values":
        what = f"{column} of {model} is one of: {_values(kwargs.get('values', []))}."
    elif kind == "relationships":
        target = re.sub(r"ref\(['\"]([^'\"]+)['\"]\)", r"\1", str(kwargs.get("to", "")))
        what = f"every {column} of {model} exists in {target}.{kwargs.get('field')}."
    elif kind:
        args = ", ".join(f"{k}={v}" for k, v in kwargs.items() if k != "model")
        what = f"{kind} on {model}" + (f" ({args[:300]})" if args else "") + "."
    else:
        comment = re.search(r"\{#(.*?)#\}", test.get("raw_code") or "", re.S)
        what = " ".join(comment.group(1).split()) if comment else f"singular test tests/{test['name']}.sql."
    severity = (test.get("config") or {}).get("severity") or "error"
    effect = ("Blocking: a failure stops downstream models and the publication."
              if severity.lower() == "error" else "Warning only: recorded and shown, does not block publication.")
    return f"dbt test `{test['name']}`: {what} {effect}"


def _column_rules(kwargs: Mapping[str, Any]) -> list[str]:
    """The rules of a `column_rules` test (dbt_project/tests/generic/column_rules.sql), one phrase each."""
    rules = [f"one row per ({', '.join(key)})" for key in kwargs.get("keys") or []]
    if kwargs.get("not_null"):
        rules.append(f"{', '.join(f'`{name}`' for name in kwargs['not_null'])} never null")
    rules += [f"`{name}` one of: {_values(values)}" for name, values in (kwargs.get("accepted_values") or {}).items()]
    for name, bounds in (kwargs.get("accepted_range") or {}).items():
        low, high = bounds.get("min_value"), bounds.get("max_value")
        rules.append(f"`{name}` " + (f"between {low} and {high}" if low is not None and high is not None
                                     else f"at least {low}" if low is not None else f"at most {high}"))
    return rules


def _values(values: list) -> str:
    listed = ", ".join(str(v) for v in values)
    return listed[:300] + ("..." if len(listed) > 300 else "")


translator = WellledTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), project=dbt_project, dagster_dbt_translator=translator,
            name="dbt_models", pool=BUILD_DB_POOL)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Seeds, staging, intermediate and mart models with their dbt tests (`dbt build`)."""
    os.environ.update(dbt_env())
    # dbt's artifacts go with the run's other records (owner-only), never into the install folder.
    target = owner_only_dir(settings.run_dir(context.run.run_id), below=settings.warehouse_dir()) / "dbt"
    seed_partial_parse(target)
    invocation = dbt.cli(BUILD_ARGS, context=context, raise_on_error=False, target_path=target)
    # Events are passed on as dbt emits them, so Dagster records them while dbt is still building. dbt holds
    # the build file's only lock meanwhile, so row counts come from the log_row_count post-hook's lines
    # (dagster-dbt's fetch_row_counts would open a second connection beside dbt and be refused).
    counts: dict[str, int] = {}
    for raw in invocation.stream_raw_events():
        counted = ROW_COUNT_LINE.match(raw.raw_event["info"].get("msg") or "")
        if counted:
            counts[counted["unique_id"]] = int(counted["rows"])
        unique_id = raw.raw_event["data"].get("node_info", {}).get("unique_id")
        for event in raw.to_default_asset_events(manifest=invocation.manifest, dagster_dbt_translator=translator,
                                                 context=context, target_path=target, project=dbt_project):
            if isinstance(event, dg.Output | dg.AssetMaterialization) and unique_id in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[unique_id]})
            yield event
    keep_partial_parse(target)
    if not invocation.is_successful() and log_says_disk_full(target / "dbt.log"):
        raise dg.Failure(description=f"dbt build failed: {disk_full_message(settings.build_db_path().parent)}",
                         metadata={"dbt_log": str(target / "dbt.log")})
    if not invocation.is_successful():
        raise dg.Failure(description="dbt build failed: a model errored or a dbt test failed. Downstream models "
                                     "were skipped and nothing is published. See the failed dbt checks and the dbt log "
                                     "(metadata dbt_log).",
                         metadata={"dbt_log": str(target / "dbt.log")})


# Unit tests check the SQL's logic on fixed inputs: they run in tests/integration/test_dbt_unit_tests.py, not
# in every refresh, where they would only re-prove the same code (dbt's own advice). The debug log stays out
# of the run folder's dbt.log (megabytes per build); info keeps every result and error, as plain text: dbt
# would otherwise serialise every line to JSON a second time (stdout, which Dagster reads, is JSON already).
# No JSON artifacts: every result reaches Dagster as an event, and dbt would write its manifest twice more
# (the Dagster definitions hold it) and run_results.json, costs paid by every refresh for files nobody reads.
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test", "--log-level-file", "info", "--log-format-file", "text",
              "--no-write-json"]
ROW_COUNT_LINE = re.compile(r"^wellled row_count (?P<unique_id>\S+) (?P<rows>\d+)$")  # macros/utils/log_row_count.sql


def kept_partial_parse() -> Path:
    """dbt's parse state as the last run of this warehouse left it: under the warehouse folder, so a refresh
    never writes inside the install (which may be read-only)."""
    return settings.warehouse_dir() / "dbt" / "partial_parse.msgpack"


def seed_partial_parse(target: Path) -> None:
    """Give the run's dbt the parse state this warehouse kept. Without one, dagster-dbt copies the install's
    (written once by `make install`), which serves any warehouse folder: the profile's connection info, which
    dbt checks before trusting a saved state, leaves the folder out (profiles.yml)."""
    kept = kept_partial_parse()
    if kept.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target / kept.name)


def keep_partial_parse(target: Path) -> None:
    """Save the run's parse state for the next run of this warehouse, which then parses only what changed
    since (a project edited after `make install`). Written atomically."""
    fresh = target / "partial_parse.msgpack"
    if not fresh.exists():
        return
    kept = kept_partial_parse()
    owner_only_dir(kept.parent, below=settings.warehouse_dir())
    temporary = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.copyfile(fresh, temporary)
    os.replace(temporary, kept)


class WellledDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs this project never uses, paid before every `dbt build`
    (seconds of every refresh): it runs `dbt --version` in a subprocess to learn the version, and
    builds an in-process dbt adapter for fetch_row_counts / fetch_column_metadata (row counts come from the
    log_row_count post-hook instead). The prepared manifest, written by the same dbt, records its version
    (dbt-core lives in its own environment, pinned by constraints.txt, and is never imported here)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # The manifest as the definitions parsed it (dagster-dbt keeps it by path), not parsed a second time.
        return version.parse(validate_manifest(ensure_manifest())["metadata"]["dbt_version"])

    def _initialize_dbt_core_adapter(self, args):
        return None


dbt_resource = WellledDbtCliResource(project_dir=dbt_project, dbt_executable=settings.DBT_BUILD_EXECUTABLE)
