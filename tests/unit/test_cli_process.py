"""The `wellled` command tunes the garbage collector for a refresh in its own process only."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from pipelines import cli

ROOT = Path(__file__).resolve().parents[2]


def test_main_run_inside_another_program_leaves_its_collector_alone():
    before = gc.get_freeze_count(), gc.get_threshold()
    cli._tune_collector()  # what `refresh` calls once the definitions are loaded
    assert (gc.get_freeze_count(), gc.get_threshold()) == before


def test_the_command_freezes_the_loaded_definitions_not_garbage_and_collects_young_objects_less_often():
    code = ("import gc, weakref; from pipelines import cli; from pipelines.definitions import defs\n"
            "class Node: pass\n"
            "garbage = Node(); garbage.itself = garbage; dead = weakref.ref(garbage); del garbage\n"
            "cli._OWN_PROCESS = True; cli._tune_collector()\n"
            "print(gc.get_freeze_count(), dead() is None, gc.get_threshold()[0])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    frozen, garbage_freed, young = done.stdout.split()
    assert int(frozen) > 10_000  # Dagster's and the project's objects
    assert garbage_freed == "True"  # collected first, not frozen for the life of the process
    assert int(young) == cli._YOUNG
