"""Dependencies follow the data: sources -> staging -> intermediate -> marts in dbt, and ingest needs neither
dbt's files nor the sample-data generator.

The dbt rules are read from a manifest parsed afresh from the project (not the one `make install` left, which
could be older than the SQL), starting from the parse state `make install` left so only changed files are read.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import settings
from tests.helpers import run_dbt

ROOT = Path(__file__).resolve().parents[2]
# A model may read seeds and models of its own layer or an earlier one; only staging reads sources.
LAYER_ORDER = {"staging": 1, "intermediate": 2, "marts": 3}
# The one run-time use of the sample generator: `wellled sample` / `wellled demo` write sample landing files.
SAMPLE_DATA_USERS = {("pipelines/cli.py", "_sample")}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("dbt_parse")
    # The pipeline's build file, as `make install` parsed with (nothing is built), so its parse state applies.
    done = run_dbt("parse", "--quiet", build_db=settings.build_db_path(), work=work)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return json.loads((work / "target" / "manifest.json").read_text())


def _layer(node: dict) -> str:
    return node["fqn"][1]


def test_every_model_is_in_a_layer_folder(manifest):
    outside = [uid for uid, n in manifest["nodes"].items()
               if n["resource_type"] == "model" and _layer(n) not in LAYER_ORDER]
    assert not outside, f"models outside staging/, intermediate/ and marts/: {outside}"


def test_models_read_only_earlier_layers_and_only_staging_reads_sources(manifest):
    nodes = manifest["nodes"]
    wrong = []
    for node in nodes.values():
        if node["resource_type"] != "model":
            continue
        layer = _layer(node)
        for parent in node["depends_on"]["nodes"]:
            if parent.startswith("source.") and layer != "staging":
                wrong.append(f"{node['name']} ({layer}) reads the source {parent.split('.', 2)[2]}")
            elif parent in nodes and nodes[parent]["resource_type"] == "model":
                parent_layer = _layer(nodes[parent])
                if LAYER_ORDER[parent_layer] > LAYER_ORDER[layer]:
                    wrong.append(f"{node['name']} ({layer}) reads {nodes[parent]['name']} ({parent_layer})")
    assert not wrong, "dependencies against the flow:\n" + "\n".join(sorted(wrong))


def test_dimensions_are_built_from_seeds_staging_or_intermediate(manifest):
    nodes = manifest["nodes"]
    for node in nodes.values():
        if node["resource_type"] == "model" and node["name"].startswith("dim_"):
            facts = [p for p in node["depends_on"]["nodes"]
                     if p in nodes and nodes[p]["resource_type"] == "model" and _layer(nodes[p]) == "marts"]
            assert not facts, f"{node['name']} is built from the published tables {facts}"


def test_dagster_groups_are_the_dbt_layers(manifest):
    from pipelines.defs.models.assets import translator

    for node in manifest["nodes"].values():
        if node["resource_type"] == "seed":
            assert translator.get_group_name(node) == "seeds", node["name"]
        elif node["resource_type"] == "model":
            assert translator.get_group_name(node) == _layer(node), node["name"]


def _sample_data_imports(path: Path) -> list[str]:
    """Functions (or '<module>') of a pipelines module that import pipelines.sample_data."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            modules = []
            if isinstance(child, ast.Import):
                modules = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = package.rsplit(".", child.level - 1)[0] if child.level else ""
                module = ".".join(p for p in (base, child.module or "") if p)
                modules = [module] + [f"{module}.{alias.name}" for alias in child.names]
            if any(m == "pipelines.sample_data" or m.startswith("pipelines.sample_data.") for m in modules):
                found.append(function)
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


def test_pipeline_code_never_imports_the_sample_generator():
    users = set()
    for path in (ROOT / "pipelines").rglob("*.py"):
        if "sample_data" not in path.relative_to(ROOT).parts:
            users |= {(path.relative_to(ROOT).as_posix(), f) for f in _sample_data_imports(path)}
    assert users <= SAMPLE_DATA_USERS, f"imports of pipelines.sample_data: {sorted(users - SAMPLE_DATA_USERS)}"
    assert _sample_data_imports(ROOT / "pipelines" / "cli.py") == ["_sample"], "the check lost sight of the CLI"


def test_loading_the_definitions_imports_neither_the_sample_generator_nor_dbt():
    """dbt runs as a command from its own environment: dbt-core imported into a Dagster process (dagster-dbt does
    so whenever it can) would be the largest part of every definitions load."""
    code = ("import sys, pipelines.definitions; print(sorted(m for m in sys.modules "
            "if m.startswith('pipelines.sample_data') or m.split('.')[0] == 'dbt'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert Path(settings.DBT_EXECUTABLE).is_file(), "make install puts dbt in .venv/dbt"


# Needed only when a step runs (reading sources, gates, the warehouse engines, publication): every Dagster process
# (the UI, the daemon, each run and each step) loads the definitions first, so they are left out of it.
RUN_TIME_MODULES = ("pandas", "numpy", "pyarrow", "duckdb", "great_expectations", "python_calamine")


def test_loading_the_definitions_imports_no_module_only_a_step_needs():
    code = ("import sys; from pipelines.definitions import defs; defs.get_repository_def().get_all_jobs(); "
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({RUN_TIME_MODULES!r})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", "import these inside the step that needs them"


def test_ingest_reads_no_dbt_file():
    for path in (ROOT / "pipelines" / "sources").rglob("*.py"):
        assert "dbt_project" not in path.read_text(encoding="utf-8"), f"{path.name} reads the dbt project"


def test_respondent_contract_is_written_from_the_catalogue_and_agrees_with_the_crosswalk_seed():
    import csv

    from pipelines.sample_data import crosswalk
    from pipelines.sources import schemas

    for path, text in crosswalk.written_files().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run python -m {crosswalk.__name__}"
    with (settings.DBT_PROJECT_DIR / "seeds" / crosswalk.CROSSWALK).open(encoding="utf-8") as handle:
        seeded = {(int(r["survey_year"]), r["question_code"].lower()) for r in csv.DictReader(handle)}
    assert {(q.survey_year, q.code) for q in schemas.respondent_questions()} == seeded
