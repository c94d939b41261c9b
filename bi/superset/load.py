"""Import bi/superset/bundle into Superset against the current publication, then (with --check) run every
chart's query. Runs with the Superset environment's Python (`make superset`, `make test-bi`).

    load.py --duckdb PATH          the published DuckDB file, read-only
    load.py --postgres URL         the served warehouse (`wellled serve`), as wellled_reader, schema published
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path

import yaml

BUNDLE = Path(__file__).resolve().parent / "bundle"
ADMIN = "admin"


def bundle_files(uri: str, schema: str) -> dict[str, str]:
    """The bundle's files, with the database pointed at `uri` and the datasets at `schema`."""
    files = {}
    for path in sorted(BUNDLE.rglob("*.yaml")):
        name = path.relative_to(BUNDLE).as_posix()
        config = yaml.safe_load(path.read_text())
        if name.startswith("databases/"):
            config["sqlalchemy_uri"] = uri
        if name.startswith("datasets/"):
            config["schema"] = schema
        files[name] = yaml.safe_dump(config, sort_keys=False)
    return files


def as_zip(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"wellled_dashboard/{name}", text)
    buffer.seek(0)
    return buffer


def main() -> int:
    parser = argparse.ArgumentParser()
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--duckdb", type=Path)
    target.add_argument("--postgres")
    parser.add_argument("--check", action="store_true", help="run every chart's saved query; fail on any error")
    args = parser.parse_args()
    if args.duckdb:
        if not args.duckdb.exists():
            print(f"superset: nothing is published at {args.duckdb}: run `make demo` first", file=sys.stderr)
            return 1
        uri, schema = f"duckdb:///{args.duckdb.resolve()}?access_mode=read_only", "main"
    else:
        uri, schema = args.postgres, "published"

    from flask import g
    from sqlalchemy.engine.url import make_url
    from superset.app import create_app

    app = create_app()
    with app.app_context(), app.test_request_context():
        from superset import db, security_manager
        from superset.connectors.sqla.models import SqlaTable
        from superset.models.slice import Slice

        g.user = security_manager.find_user(ADMIN)
        password = make_url(uri).password
        files = bundle_files(uri, schema)
        passwords = {"databases/wellled.yaml": password} if password else {}
        with zipfile.ZipFile(as_zip(files)) as archive:
            contents = {n.split("/", 1)[1]: archive.read(n).decode() for n in archive.namelist()}
        import_bundle(contents, passwords)
        for dataset in db.session.query(SqlaTable).all():
            dataset.fetch_metadata()  # every column, with the publication's descriptions
        db.session.commit()
        charts = db.session.query(Slice).all()
        print(f"Imported {len(charts)} charts and {db.session.query(SqlaTable).count()} datasets against {schema} "
              f"of {make_url(uri).render_as_string(hide_password=True)}")
        return check(charts) if args.check else 0


def import_bundle(contents: dict[str, str], passwords: dict[str, str]) -> None:
    """Import the bundle so that it replaces what an earlier import left. A dashboard import alone never
    overwrites its database, datasets or charts: a changed chart, or a URI switched between the DuckDB file
    and the served PostgreSQL, would keep the old definition. So each kind is imported with overwrite first."""
    from superset.commands.chart.importers.dispatcher import ImportChartsCommand
    from superset.commands.dashboard.importers.dispatcher import ImportDashboardsCommand
    from superset.commands.database.importers.dispatcher import ImportDatabasesCommand
    from superset.commands.dataset.importers.dispatcher import ImportDatasetsCommand

    metadata = yaml.safe_load(contents["metadata.yaml"])
    for command, model in ((ImportDatabasesCommand, "Database"), (ImportDatasetsCommand, "SqlaTable"),
                           (ImportChartsCommand, "Slice"), (ImportDashboardsCommand, "Dashboard")):
        typed = {**contents, "metadata.yaml": yaml.safe_dump({**metadata, "type": model})}
        command(typed, overwrite=True, passwords=passwords).run()


def check(charts) -> int:
    """Run each chart's saved query as the chart data API does; any error fails."""
    from superset.charts.schemas import ChartDataQueryContextSchema
    from superset.commands.chart.data.get_data_command import ChartDataCommand

    failed = 0
    for chart in charts:
        context = ChartDataQueryContextSchema().load(json.loads(chart.query_context))
        command = ChartDataCommand(context)
        try:
            command.validate()
            result = command.run()
            errors = [q.get("error") for q in result["queries"] if q.get("error")]
            rows = sum(q.get("rowcount") or 0 for q in result["queries"])
        except Exception as error:  # a chart that cannot run is what this check reports
            errors, rows = [repr(error)], 0
        if errors or not rows:
            failed += 1
        print(f"{'FAILED' if errors or not rows else 'ok':6} {chart.slice_name}: {rows} rows {' '.join(errors)}")
    print(f"{len(charts) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
