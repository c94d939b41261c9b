"""Sample data: a synthetic landing folder in the official formats (docs/sources.md), for demos and tests.

    from pipelines.sample_data import generate
    generate(Path("data/landing"), trusts=210, years=(2021, 2022, 2023, 2024), seed=42)

`trusts` (at least 5) counts the English NHS trusts open at the end of the period, split among acute,
acute specialist, mental health, community and ambulance trusts in England's 2024 proportions (one of
each kind at least); 210 is England's size. `years` are survey years; WRES reporting years are each + 1.
It writes (paths relative to `out`; the formats are in docs/sources.md):

- `ods/etr.csv`: the ODS trusts file, byte-compatible with the real extract (no header, 27 quoted
  fields, CRLF, sorted by code). Open English trusts; long-closed trusts; with trusts >= 6 also two trusts
  merged away during the period (RZ8, RZ9, closed 31 October of the second-last survey year) and their
  successor with a new-style 5-character code (G9Z8S, opened 1 November, same ICB; the map is the dbt seed
  org_successors.csv); with trusts >= 20 also two Welsh trusts (blank region and ICB, GOR `W`), which appear
  in no other source.
- `staff_survey/<YYYY>/NSS<YY>_detailed_spreadsheets_organisational_results.xlsx`: the organisational
  results workbook in the layout of the real 2024 file, with that year's sheet names and question codes
  (see `catalogue` for the 2021-2022 approximations; 2023 = 2024). Units sorted by code: every trust open on
  30 September of the survey year; one trust reporting as two units `<legal>1` (acute sector) and
  `<legal>2` (ambulance sector); ICBs; CSUs; social enterprises, one of them small (about 60 responses) so
  that Q13d, Q14d and Q16c show `-` suppression at every scale; with trusts >= 20 also a Community Surgical
  Services unit and one mental health trust with a `T` code that etr.csv does not list (as TAD, TAF, TAH,
  TAJ in 2024); it has no WRES return or board register (the raw suites accept `R` codes only).
- `staff_survey/<YYYY>/NSS<YY>_detailed_spreadsheets_national_results.xlsx`: all trusts, each region and
  the ethnicity summary (White vs all other groups), derived from that year's trusts (see `national`).
- `staff_survey/<YYYY>/NSS<YY>_benchmark_report_data.xlsx`: WRES 5-8 ethnicity splits as fractions for
  every trust unit and up to five years of history (see `benchmark`).
- `wres/<YYYY>/WRES_<org_code>_<YYYY>.csv`: one per English trust in etr.csv per reporting year
  (= survey year + 1), indicators 1-4 and 9 (see `wres`).
- `board/<YYYY-MM-DD>/BOARD_<org_code>_<YYYY-MM-DD>.csv`: one per English trust in etr.csv per quarter end,
  31 March of the first survey year to 31 March of the last reporting year (see `board`).
- Outcome sources, January of the first survey year to December of the last (docs/sources.md):
  `sickness_absence/<YYYY-MM>/*.csv` (the legacy long series up to March 2022, then the monthly layouts,
  with a small body suppressed in some months; see `sickness_absence`), `cqc_ratings/<YYYY-09-01>/*.ods`
  (CQC Latest ratings, one release a year; see `cqc_ratings`) and `fft/<YYYY-MM>/*.xlsm` (Friends and Family
  Test, inpatient and A&E, the last two survey years only; see `fft`).

What is synthetic: everything. Organisation names are invented place names, codes follow ODS patterns
but are random, and all values are simulated. What is realistic: formats, code patterns, question texts
and options (2024 catalogue extracted from the real file, `catalogue_2024.json`), each group's average
answer and spread (2024 aggregates), score construction (docs/sources.md, Item scores; reconciling within 0.02
except PP4_1 and PP5_2, whose rule is unknown), WRES 5-8 gaps shaped like the 2024 per-trust file.
Each organisation has a latent culture level (persistent across years, AR(1) with 0.88) that moves its
survey results, its WRES relative likelihoods and BME representation by band, and the benchmark gaps,
so measures correlate across sources and years. The same seed gives the same bytes (XLSX timestamps
fixed). Deliberate defects for the quality gates, with trusts >= 20: one trust's WRES indicator 9
disagrees with its board register in the last reporting year (`Universe.mismatch_trust`), one trust has
more than 10% unknown ethnicity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from . import benchmark, board, cqc_ratings, fft, national, ods, orgs, sickness_absence, staff_survey, wres

__all__ = ["generate"]

MARKER = ".wellled-sample.json"  # at the landing root, where no source looks
LANDING_FOLDERS = ("ods", "staff_survey", "wres", "board", "respondents", "sickness_absence", "cqc_ratings", "fft")
# The files this generator writes: a previous sample's files are removed before a new one is written.
OWN_FILES = (
    re.compile(r"ods/etr\.csv"),
    re.compile(r"staff_survey/\d{4}/NSS\d{2}_(detailed_spreadsheets_(organisational|national)_results|benchmark_report_data)\.xlsx"),
    re.compile(r"wres/\d{4}/WRES_[0-9A-Z]+_\d{4}\.csv"),
    re.compile(r"board/\d{4}-\d{2}-\d{2}/BOARD_[0-9A-Z]+_\d{4}-\d{2}-\d{2}\.csv"),
    re.compile(r"respondents/\d{4}/NSS\d{2}_respondents\.(parquet|csv)"),
    re.compile(r"sickness_absence/\d{4}-\d{2}/(ESR_ABSENCE_CSV_NHSE|NHS_Sickness_Absence_Rates_\w+_Organisation)\.csv"),
    re.compile(r"cqc_ratings/\d{4}-\d{2}-\d{2}/01_\w+_\d{4}_Latest_ratings\.ods"),
    re.compile(r"fft/\d{4}-\d{2}/friends-and-family-test-(inpatient|ae)-data-[a-z]+-\d{4}\.xlsm"),
)


def generate(out: Path, *, trusts: int = 210, years: Sequence[int] = (2021, 2022, 2023, 2024), seed: int = 42,
             progress: Callable[[str], None] | None = None, respondents: str | None = None) -> dict[str, int]:
    """Write a synthetic landing folder to `out`; return the number of files written per source.

    A previous sample in `out` (recognised by its `.wellled-sample.json` marker) is replaced: its files are
    removed first, so a smaller sample leaves nothing stale. Landed files that are not from a previous
    sample are never touched: the call refuses (FileExistsError) rather than mix sample and real data.

    `respondents` ("parquet" or "csv") also writes respondent-level files (`respondents/<YYYY>/`, see
    `respondents` and docs/respondent_format.md), and the organisational results workbook is then derived
    from those respondents (trust units of 200 to 12,000 respondents). Without it nothing changes.
    """
    out = Path(out)
    years = tuple(sorted(set(int(y) for y in years)))
    if not years or years[0] < 2000 or years[-1] > 2100:
        raise ValueError(f"years must be survey years such as 2021-2024, got {years}")
    say = progress or (lambda _message: None)
    _clear_previous_sample(out)
    universe = orgs.build(trusts, years, seed)
    counts = {"ods": ods.write(out, universe)}
    say(f"ods: {len(universe.trusts) + len(universe.ods_only)} organisations")
    results, splits = {}, {}
    if respondents not in (None, "parquet", "csv"):
        raise ValueError(f"respondents must be 'parquet' or 'csv', got {respondents!r}")
    for year in years:
        if respondents:
            from . import respondents as resp

            drawn = resp.simulate_year(universe, year, seed)
            resp.write(out, year, resp.to_table(year, drawn), respondents)
            results[year] = resp.derive_results(drawn)
            counts["respondents"] = counts.get("respondents", 0) + 1
            say(f"respondents {year}: {sum(len(d.occupation) for d in drawn)} respondents ({respondents})")
            del drawn
        else:
            results[year] = [staff_survey.simulate(u, year, seed) for u in universe.survey_units(year)]
        for res in results[year]:
            for stem, split in benchmark.ethnicity_splits(res, year, seed).items():
                splits[(res.unit.code, stem, year)] = split
    counts["staff_survey"] = 0
    for year in years:
        folder = out / "staff_survey" / str(year)
        stem = f"NSS{year % 100:02d}"
        staff_survey.write_workbook(folder / f"{stem}_detailed_spreadsheets_organisational_results.xlsx",
                                    year, results[year], seed)
        benchmark.write_workbook(folder / f"{stem}_benchmark_report_data.xlsx", year, results, splits, seed)
        national.write_workbook(folder / f"{stem}_detailed_spreadsheets_national_results.xlsx", year, results[year],
                                splits, seed)
        counts["staff_survey"] += 3
        say(f"staff_survey {year}: {len(results[year])} reporting units")
    registers = board.simulate(universe)
    counts["wres"] = wres.write(out, universe, registers)
    say(f"wres: {counts['wres']} returns")
    counts["board"] = board.write(out, registers)
    say(f"board: {counts['board']} registers")
    for name, module in (("sickness_absence", sickness_absence), ("cqc_ratings", cqc_ratings), ("fft", fft)):
        counts[name] = module.write(out, universe)
        say(f"{name}: {counts[name]} files")
    marker = {"generator": "wellled sample", "trusts": trusts, "years": list(years), "seed": seed, "files": counts}
    (out / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    return counts


def _clear_previous_sample(out: Path) -> None:
    landed = [p for folder in LANDING_FOLDERS if (out / folder).is_dir() for p in (out / folder).rglob("*")
              if p.is_file()]
    if not landed:
        return
    relative = [p.relative_to(out).as_posix() for p in landed]
    foreign = [r for r in relative if not any(rx.fullmatch(r) for rx in OWN_FILES)]
    if foreign or not (out / MARKER).exists():
        example = (foreign or relative)[0]
        raise FileExistsError(f"{out} already holds landed files that are not a previous sample (e.g. {example}): "
                              "write the sample to an empty folder")
    for p in landed:
        p.unlink()
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
