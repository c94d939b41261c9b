"""No import cycle inside `pipelines/`: every module can be read, and loaded, after the ones it imports.

The graph is built from the source with `ast`, so it sees every import, also those inside functions (a
late import hides a cycle from the interpreter, not from the reader). An edge goes to the module an import
names: `from . import x` to the submodule `x` when there is one, `from .x import y` to `x`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "pipelines"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node.module, node.level)
                # `from pkg import sub` imports the submodule; `from mod import name` the module itself.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names]
            else:
                continue
            edges.update(t for t in targets if t in files and t != name)
    return graph


def _resolve(module: str, is_package: bool, target: str | None, level: int) -> str:
    if level == 0:
        return target or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as the list of modules along it (first repeated last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_pipelines_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle in pipelines/: " + " -> ".join(cycle)


def test_the_graph_sees_late_imports_and_names_the_cycle(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def f():\n    from .sub.c import x\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "c.py").write_text("from ..a import y\nx = 1\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.b"] == {"pkg.sub.c"}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]
    (package / "sub" / "c.py").write_text("x = 1\n")
    assert find_cycle(import_graph(tmp_path, "pkg")) is None


@pytest.mark.parametrize("module, expected", [("pipelines.publish", "pipelines.warehouse"),
                                              ("pipelines.defs.sources.assets", "pipelines.warehouse")])
def test_the_graph_has_the_known_edges(module, expected):
    assert expected in import_graph()[module]
