#!/usr/bin/env bash
# `make superset` (serve) and `make test-bi` (check): Superset 6.1 from .venv-superset with the wellled
# dashboard imported against the current publication: the DuckDB file read-only (default) or, with
# SUPERSET_DB=postgres, the warehouse `wellled serve` is serving, as wellled_reader.
set -euo pipefail
mode=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
superset_bin="$root/.venv-superset/bin"
export SUPERSET_HOME=${SUPERSET_HOME:-$root/warehouse/superset}
export SUPERSET_CONFIG_PATH="$root/bi/superset/superset_config.py"
export FLASK_APP=superset
mkdir -p "$SUPERSET_HOME"

quiet() {  # Superset's set-up commands are chatty: their output goes to a log, shown only on failure
  "$@" >>"$SUPERSET_HOME/setup.log" 2>&1 || { tail -40 "$SUPERSET_HOME/setup.log"; echo "superset: '$*' failed; log: $SUPERSET_HOME/setup.log" >&2; exit 1; }
}

echo "Superset metadata in $SUPERSET_HOME"
quiet "$superset_bin/superset" db upgrade
if [ ! -f "$SUPERSET_HOME/admin_password" ]; then
  (umask 077; "$superset_bin/python" -c 'import secrets; print(secrets.token_urlsafe(12))' >"$SUPERSET_HOME/admin_password")
  quiet "$superset_bin/superset" fab create-admin --username admin --firstname wellled --lastname admin \
    --email admin@localhost --password "$(cat "$SUPERSET_HOME/admin_password")"
fi
quiet "$superset_bin/superset" init

if [ "${SUPERSET_DB:-duckdb}" = postgres ]; then
  target=(--postgres "$("$root/.venv/bin/python" -c 'from pipelines import serve, settings; print(serve.reader_url(settings.serve_port()))')")
else
  target=(--duckdb "$("$root/.venv/bin/python" -c 'from pipelines import settings; print(settings.published_db_path())')")
fi
if [ "$mode" = check ]; then
  exec "$superset_bin/python" "$root/bi/superset/load.py" "${target[@]}" --check 2> >(grep -v ' INFO:\|WARNING:py.warnings\|^  ' >&2)
fi
"$superset_bin/python" "$root/bi/superset/load.py" "${target[@]}" 2>>"$SUPERSET_HOME/setup.log"
echo "Superset on http://127.0.0.1:8088/superset/dashboard/wellled/ : log in as admin, password $(cat "$SUPERSET_HOME/admin_password") (kept in $SUPERSET_HOME/admin_password). Ctrl-C stops it."
exec "$superset_bin/superset" run -h 127.0.0.1 -p 8088 --with-threads
