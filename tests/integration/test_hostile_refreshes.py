"""Hostile landings through whole refreshes on a copy of the sample: what is legitimate publishes (with
formulas neutralised and links skipped), what is refused leaves the publication byte for byte as it was, and
operational faults (leftovers, PostgreSQL down, a full disk) end in a clear message, never a traceback."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import cli, settings

pytestmark = pytest.mark.integration

SECRET = "root:x:0:0:the-first-line-of-a-file-outside-the-landing"
FORMULA = '=HYPERLINK("http://attacker.example/x","Open")'


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def copied(sample_copy) -> Path:
    return sample_copy


def test_a_legitimate_but_hostile_landing_publishes_safely(copied, capfd):
    landing = copied / "landing"
    # An organisation name a spreadsheet would run, in the ODS file (quoted CSV: quotes doubled).
    etr = landing / "ods" / "etr.csv"
    lines = etr.read_text().splitlines()
    fields = lines[0].split('","')
    org = fields[0].strip('"')
    fields[1] = FORMULA.replace('"', '""')
    lines[0] = '","'.join(fields)
    etr.write_text("\r\n".join(lines) + "\r\n")
    # A link to a file outside the landing, and leftovers of an interrupted publication.
    (copied / "outside.csv").write_text(SECRET + "\n")
    (landing / "wres" / "2024" / "zz_link.csv").symlink_to(copied / "outside.csv")
    versions = settings.published_dir() / "versions"
    for leftover in (".wellled_20990101T000000Z_deadbeef.duckdb.partial",
                     ".wellled_20990101T000000Z_deadbeef.duckdb.partial.wal"):
        (versions / leftover).write_bytes(b"half a publication")
    capfd.readouterr()

    assert cli.main(["refresh"]) == 0
    output = "".join(capfd.readouterr())
    assert SECRET not in output and "Skipped wres/2024/zz_link.csv" in output
    assert not list(versions.glob(".*"))  # the .partial and its .wal are gone

    with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
        assert con.execute("select org_name from dim_organisation where org_code = ?", [org]).fetchone()[0] == \
            "'" + FORMULA
        version = con.execute("select max(version) from publication_manifest").fetchone()[0]
        parquet = versions / f"wellled_{version}_parquet" / "dim_organisation.parquet"
        from_parquet = con.execute(f"select org_name from read_parquet('{parquet}') where org_code = ?",
                                   [org]).fetchone()[0]
        assert from_parquet == "'" + FORMULA
        starting = con.execute("select count(*) from dim_organisation where left(org_name, 1) in "
                               "('=', '+', '-', '@')").fetchone()[0]
        assert starting == 0
    with duckdb.connect(str(settings.build_db_path()), read_only=True) as con:  # raw keeps the original
        assert con.execute("select org_name from raw.ods_trusts where org_code = ?", [org]).fetchone()[0] == FORMULA

    # Special-category data owner-only; the publication readable by BI users.
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(settings.build_db_path()) == 0o600 and mode(settings.build_db_path().parent) == 0o700
    assert mode(settings.warehouse_dir() / "runs") == 0o700 and mode(settings.data_docs_dir()) == 0o700
    assert all(mode(run) == 0o700 for run in (settings.warehouse_dir() / "runs").iterdir())
    assert mode(settings.published_db_path()) & 0o044


def test_an_implausible_count_is_refused_and_the_publication_stays_byte_identical(copied, capfd):
    before = _sha(settings.published_db_path())
    wres_file = sorted((copied / "landing" / "wres").rglob("*.csv"))[0]
    lines = wres_file.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if ",headcount," in line)
    lines[row] = ",".join(lines[row].split(",")[:-1] + ["3000000000"])
    wres_file.write_text("\n".join(lines) + "\n")
    capfd.readouterr()

    assert cli.main(["refresh"]) == 1
    output = "".join(capfd.readouterr())
    assert f"{wres_file.relative_to(copied / 'landing').as_posix()}, row {row + 1}: " in output
    assert "NOT PUBLISHED" in output and "Traceback" not in output
    assert _sha(settings.published_db_path()) == before


def test_postgresql_unreachable_says_where_and_publishes_nothing(copied, monkeypatch, capfd):
    monkeypatch.setenv("WELLLED_WAREHOUSE_URL", "postgresql://wellled@127.0.0.1:1/wellled")
    capfd.readouterr()
    assert cli.main(["publish", "--list"]) == 1
    assert cli.main(["refresh"]) == 1
    output = "".join(capfd.readouterr())
    assert "cannot reach PostgreSQL at 127.0.0.1:1" in output
    assert "NOT PUBLISHED: cannot reach PostgreSQL at 127.0.0.1:1" in output
    assert "Traceback" not in output and "OperationalError" not in output


def test_a_full_disk_is_reported_as_a_full_disk(copied):
    """The build folder on a small tmpfs (in a private mount namespace, no root needed): the refresh stops
    where the disk fills, says the disk is full, and the publication (on another disk) stays as it was."""
    if not shutil.which("unshare") or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("this kernel does not let an unprivileged process create a mount namespace")
    build = settings.build_db_path()
    before = _sha(settings.published_db_path())
    kept = copied / "build_copy.duckdb"
    shutil.copyfile(build, kept)
    size_kb = build.stat().st_size // 1024 + 512
    script = (f'mount -t tmpfs -o size={size_kb}k tmpfs "{build.parent}" && cp "{kept}" "{build}" && '
              f'exec "{Path(sys.executable).parent / "wellled"}" refresh')
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "is full" in output and "NOT PUBLISHED" in output, output[-3000:]
    assert "Traceback" not in output
    assert _sha(settings.published_db_path()) == before
