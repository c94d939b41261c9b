"""The `wellled` command freezes what loading the definitions made, for the collector, in its own process only."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from pipelines import cli

ROOT = Path(__file__).resolve().parents[2]


def test_main_run_inside_another_program_leaves_its_collector_alone():
    before = gc.get_freeze_count()
    cli._freeze_loaded_definitions()  # what `refresh` calls once the definitions are loaded
    assert gc.get_freeze_count() == before


def test_the_command_freezes_the_loaded_definitions_and_no_garbage():
    code = ("import gc, weakref; from pipelines import cli; from pipelines.definitions import defs\n"
            "class Node: pass\n"
            "garbage = Node(); garbage.itself = garbage; dead = weakref.ref(garbage); del garbage\n"
            "cli._OWN_PROCESS = True; cli._freeze_loaded_definitions()\n"
            "print(gc.get_freeze_count(), dead() is None)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    frozen, garbage_freed = done.stdout.split()
    assert int(frozen) > 10_000  # Dagster's and the project's objects
    assert garbage_freed == "True"  # collected first, not frozen for the life of the process
