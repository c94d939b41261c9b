"""The site's charting bundle, vendored: Vega, Vega-Lite and vega-embed as one classic script.

vl-convert-python (pinned in constraints.txt) ships these libraries; bundling them takes seconds of a
JavaScript runtime, so the bundle is written once into `static/` and every build copies it. After upgrading
vl-convert-python, run `python -m pipelines.profiles.vendor` (a test fails until the header matches).
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

BUNDLE = Path(__file__).parent / "static" / "vega-bundle.js"


def header() -> str:
    """The first line of the bundle: the versions it holds, and their licence."""
    import vl_convert

    return (f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite {vl_convert.get_vegalite_versions()[-1]}, "
            f"vega-embed {vl_convert.get_vega_embed_version()}, bundled by vl-convert-python "
            f"{version('vl-convert-python')}. Copyright (c) University of Washington Interactive Data Lab; "
            "BSD-3-Clause licence. */")


def write_bundle() -> Path:
    import vl_convert

    BUNDLE.write_text(header() + "\n" + vl_convert.javascript_bundle(), encoding="utf-8")
    return BUNDLE


if __name__ == "__main__":
    print(f"wrote {write_bundle()}")
