"""Trust profiles: a static, offline site of charts built from the published warehouse alone.

`site.build_site` reads one publication (`published.load`), writes `index.html`, one page per organisation,
per-trust CSV and XLSX downloads and one shared script/style bundle, into a new versioned folder, then makes
it current by one atomic swap of `<warehouse>/published/profiles` (`swap.py`). `terminal.py` prints a trust's
headline figures for `wellled trust`. See docs/profiles.md.
"""
