"""The repository stands on its own: it names no document or folder outside it, the docs it points to exist, and
it says under which licence the code may be reused.

Tests may name the folder of real published files beside the checkout (CI provides it), so `tests/` is not
scanned for that; everything else that git tracks is.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Team notes that live outside the repository, and the folder beside the checkout that holds them. The note names
# are spelt in two parts so that a plain `git grep` for them finds nothing, this file included.
NOTE_NAMES = (b"SOURCES" + b".md", b"DESIGN" + b".md")
OUTSIDE_NAMES = (*NOTE_NAMES, b"../shared", b"..\\shared")
DOCS_REFERENCE = re.compile(rb"docs/[A-Za-z0-9_-]+\.md")


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    paths = [ROOT / name for name in listed.decode().split("\0") if name]
    assert paths, "git ls-files listed nothing: the tests must run in a git checkout"
    return [path for path in paths if path.is_file()]


def outside_references(text: bytes) -> list[tuple[int, str]]:
    """(line number, line) of every line naming a document or folder outside the repository."""
    return [(number, line.decode(errors="replace").strip())
            for number, line in enumerate(text.splitlines(), start=1)
            if any(name in line for name in OUTSIDE_NAMES)]


def test_the_scan_sees_an_outside_reference():
    sources, design = NOTE_NAMES
    text = b"ok\nsee " + sources + b" 1.1\nread ../shared/data/real\nsee docs/sources.md\n" + design + b", Privacy\n"
    assert [number for number, _ in outside_references(text)] == [2, 3, 5]


def test_no_file_outside_tests_names_a_file_outside_the_repository():
    found = [f"{path.relative_to(ROOT)}:{number}: {line}"
             for path in tracked_files() if path.relative_to(ROOT).parts[0] != "tests"
             for number, line in outside_references(path.read_bytes())]
    assert not found, ("these lines name a document or folder outside the repository; point them at docs/ "
                       "instead:\n" + "\n".join(found))


def test_every_docs_page_named_exists():
    missing = sorted({f"{path.relative_to(ROOT)} names {name.decode()}"
                      for path in tracked_files()
                      for name in DOCS_REFERENCE.findall(path.read_bytes())
                      if not (ROOT / name.decode()).is_file()})
    assert not missing, "pages named but not in docs/:\n" + "\n".join(missing)


def test_the_code_has_a_licence_and_the_readme_names_the_data_licence():
    licence = ROOT / "LICENSE"
    assert licence.is_file(), "LICENSE is missing: without it the code cannot be reused"
    assert "Permission is hereby granted, free of charge" in licence.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Licence" in readme and "Open Government Licence v3.0" in readme


def test_yaml_lines_fit_the_line_length():
    """The project's own YAML keeps to ruff's 120 characters; Superset's exported bundle is left as exported."""
    long_lines = [f"{path.relative_to(ROOT)}:{number}" for path in tracked_files()
                  if path.suffix in (".yml", ".yaml") and "bi/superset/bundle" not in path.as_posix()
                  for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if len(line) > 120]
    assert not long_lines, "wrap these YAML lines (a folded `>-` block keeps the value):\n" + "\n".join(long_lines)


CODE_REFERENCE = re.compile(rb"(?<![\w./-])((?:pipelines|tests|bench|dbt_project)/[A-Za-z0-9_/.-]+"
                            rb"\.(?:py|sql|yml|json|csv))")


def test_every_file_the_repository_names_exists():
    """A path to a module, model or test in a comment, a doc or a message must survive files moving."""
    missing = sorted({f"{path.relative_to(ROOT)}: {name.decode()}" for path in tracked_files()
                      if path.suffix in (".md", ".py", ".sql", ".yml", ".yaml", ".toml", ".j2")
                      or path.name == "Makefile"
                      for name in CODE_REFERENCE.findall(path.read_bytes())
                      if "<" not in name.decode() and "*" not in name.decode()
                      and not (ROOT / name.decode()).exists() and not (path.parent / name.decode()).exists()})
    assert not missing, "files named but not in the repository (moved or renamed?):\n" + "\n".join(missing)
