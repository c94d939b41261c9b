"""GX is initialised once, under one lock, on the thread of the first gate: nothing depends on thread timing.

A refresh that lands only some sources runs skipped gates (which build Data Docs) beside gates that
validate. GX's modules import each other in cycles, so an import of a GX module from a second thread while
another is importing GX can fail with "partially initialized module", depending on timing. Rather than hope
to lose a race, the test watches every import of a GX module and fails if one happens without the lock held
or on a thread other than the caller's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WATCH = r"""
import importlib.abc, json, sys, threading
import pandas as pd
from pipelines import quality
from pipelines.quality import _gx

unlocked = []

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "great_expectations" and not _gx.LOCK._is_owned():
            unlocked.append([name, threading.current_thread().name])
        return None

sys.meta_path.insert(0, Watch())
assert "great_expectations" not in sys.modules
# What a refresh landing only ODS and WRES does first: a skipped board gate, its Data Docs, then a real gate.
skipped = quality.validate("raw_board_registers", pd.DataFrame(), skipped_reason="source board absent")
quality.build_data_docs([skipped], sys.argv[1])
ods = pd.DataFrame({"org_code": ["RAA"], "org_name": ["A TRUST"]})
checked = quality.validate("raw_ods_trusts", ods)
print(json.dumps({"unlocked": unlocked, "threads": sorted(t.name for t in threading.enumerate()),
                  "statuses": [skipped.status, checked.status],
                  "gx_imported": "great_expectations" in sys.modules}))
"""


def test_every_gx_import_happens_under_the_lock_on_the_gates_thread(tmp_path):
    done = subprocess.run([sys.executable, "-c", WATCH, str(tmp_path / "docs")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["gx_imported"]
    assert facts["unlocked"] == []
    assert "gx-warm-up" not in facts["threads"]  # no warm-up thread racing the gate
    assert facts["statuses"][0] == "skipped" and facts["statuses"][1] in ("passed", "failed")
    assert (tmp_path / "docs" / "index.html").exists()


DEFERRED = r"""
import importlib.util, json, sys
import pandas as pd
from pipelines import quality

failing = quality.validate("raw_ods_trusts", pd.DataFrame({"org_code": ["RAA", "RAA"], "org_name": ["A", None]}))
quality.build_data_docs([failing], sys.argv[1])  # the failing expectations' pages are rendered too
loaded = {name: type(sys.modules[name]).__name__ != "_LazyModule" for name in ("scipy.stats", "altair")}
from scipy import stats
print(json.dumps({"status": failing.status, "loaded": loaded, "cdf": float(stats.norm.cdf(0.0))}))
"""


def test_gx_dependencies_the_gates_never_use_are_loaded_only_when_used(tmp_path):
    """GX imports SciPy and Altair for expectations and renderers the gates do not use: they are deferred, not
    loaded by a gate or its Data Docs, and still load in full the first time something uses them."""
    done = subprocess.run([sys.executable, "-c", DEFERRED, str(tmp_path / "docs")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["status"] == "failed"
    assert facts["loaded"] == {"scipy.stats": False, "altair": False}
    assert facts["cdf"] == 0.5
