"""The bench's baselines: the same trust-level weighted sub-score means as the pipeline, from the same files;
and the floor of the published-level refresh.

    python bench/baselines.py floor|pandas|numpy OUT.parquet MEMORY_LIMIT FILE [FILE ...]
    python bench/baselines.py published OUT.duckdb MEMORY_LIMIT LANDING_DIR PUBLISHED.duckdb

Written apart from the dbt models (and from the generator) on purpose: the bench compares their results with
the published scores, a third and fourth implementation of the published method. As in the bench's landing
(respondent files only), every organisation is weighted to the occupation mix of all respondents of its year.
Rules: item scores from the response-scale seed; a sub-score needs ceil(0.75 n) of its n scored items, except
Appraisals (PP5_2): a respondent answering No to Q23a (no appraisal) scores 0 and one who cannot remember is left
out; weights capped at 5; scores published where 10 or more respondents have the sub-score.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
CAP, MIN_SHARE, MIN_BASE = 5.0, 0.75, 10
# The appraisal rule: the sub-score, its filter question and that question's answer codes (No, Can't remember).
APPRAISAL, APPRAISAL_QUESTION, APPRAISAL_NO, APPRAISAL_CANT_REMEMBER = "PP5_2", "q23a_appraisal", 2, 3


def scoring() -> tuple[dict[str, list[str]], dict[str, dict[int, tuple[str, dict[int, float]]]]]:
    """measure -> scored question ids; question id -> {year: (column, {answer code: item score})}."""
    scores: dict[str, dict[int, float]] = {}
    for row in csv.DictReader((SEEDS / "staff_survey_response_scales.csv").open()):
        if row["item_score"]:
            scores.setdefault(row["response_scale"], {})[int(row["option_order"])] = float(row["item_score"])
    items: dict[str, dict[int, tuple[str, dict[int, float]]]] = {}
    for row in csv.DictReader((SEEDS / "staff_survey_question_crosswalk.csv").open()):
        if row["response_scale"] in scores:
            items.setdefault(row["question_id"], {})[int(row["survey_year"])] = (row["question_code"],
                                                                                 scores[row["response_scale"]])
    measures: dict[str, list[str]] = {}
    for row in csv.DictReader((SEEDS / "staff_survey_score_items.csv").open()):
        if row["question_id"] in items:
            measures.setdefault(row["measure_code"], []).append(row["question_id"])
    return measures, items


def appraisal_columns() -> dict[int, str]:
    """survey year -> the column of the appraisal filter question (Q23a in 2024 numbering)."""
    return {int(row["survey_year"]): row["question_code"]
            for row in csv.DictReader((SEEDS / "staff_survey_question_crosswalk.csv").open())
            if row["question_id"] == APPRAISAL_QUESTION}


def floor(out: str, memory_limit: str, files: list[str]) -> None:
    import duckdb
    import pyarrow.parquet as pq

    measures, items = scoring()
    present = {name.lower() for f in files for name in pq.read_schema(f).names}  # file metadata only
    item_sql = {}
    for qid, by_year in items.items():
        whens = " ".join(f"when survey_year = {y} then (case \"{col}\" " + " ".join(
            f"when {code} then {score}" for code, score in sorted(opts.items())) + " end)"
            for y, (col, opts) in sorted(by_year.items()) if col.lower() in present)
        item_sql[qid] = f"cast(case {whens} end as double)" if whens else "cast(null as double)"
    appraisal_whens = " ".join(f'when survey_year = {y} then "{col}"' for y, col in sorted(appraisal_columns().items())
                               if col.lower() in present)
    item_sql["appraisal"] = f"case {appraisal_whens} end" if appraisal_whens else "cast(null as integer)"
    subs = []
    for m, qids in sorted(measures.items()):
        answered = " + ".join(f"(i_{q} is not null)::int" for q in qids)
        total = " + ".join(f"coalesce(i_{q}, 0)" for q in qids)
        rule = (f"when i_appraisal = {APPRAISAL_NO} then 0 when i_appraisal = {APPRAISAL_CANT_REMEMBER} then null "
                if m == APPRAISAL else "")
        subs.append(f"case {rule}when ({answered}) >= {max(1, math.ceil(MIN_SHARE * len(qids)))} "
                    f"then ({total}) / ({answered}) end as \"{m}\"")
    names = sorted(measures)
    listing = ", ".join(f"'{f}'" for f in files)
    items_select = ", ".join(f"{expr} as i_{q}" for q, expr in item_sql.items())
    sums = ", ".join(f'sum(weight * "{m}") / sum(case when "{m}" is not null then weight end) as "s_{m}", '
                     f'count("{m}") as "n_{m}"' for m in names)
    long = " union all ".join(f"select org_code, survey_year, '{m}' as measure_code, \"s_{m}\" as score, "
                              f"\"n_{m}\" as base_n from per_trust" for m in names)
    sql = f"""
    with answers as (
        select org_code, survey_year, occupation_group,
               {items_select}
        from read_parquet([{listing}], union_by_name = true)
    ),
    respondents as (select org_code, survey_year, occupation_group, {", ".join(subs)} from answers),
    counts as (
        select survey_year, org_code, occupation_group, count(*) as n
        from respondents where occupation_group is not null group by all
    ),
    weights as (
        select survey_year, org_code, occupation_group,
               least({CAP}, (sum(n) over (partition by survey_year, occupation_group)
                             / sum(n) over (partition by survey_year))
                            / (n / sum(n) over (partition by survey_year, org_code))) as weight
        from counts
    ),
    weighted as (
        select r.*, coalesce(w.weight, 1.0) as weight
        from respondents r left join weights w using (survey_year, org_code, occupation_group)
    ),
    per_trust as (
        select survey_year, org_code,
               {sums}
        from weighted group by all
    )
    select * from (
        {long}
    ) where base_n >= {MIN_BASE}
    """
    con = duckdb.connect(config={"memory_limit": memory_limit})
    con.execute(f"copy ({sql}) to '{out}' (format parquet)")


def pandas_plain(out: str, files: list[str]) -> None:
    """Plain pandas, as an analyst would write it: read a year's file, melt the answers long, merge the item
    scores, group by respondent and sub-score, weight, group by trust. One year file at a time: melting four
    years at once needs more memory than the bench machine has (bench/RESULTS.md)."""
    import pandas as pd

    measures, items = scoring()
    pd.concat([_pandas_plain_year(f, measures, items) for f in files], ignore_index=True).to_parquet(out, index=False)


def _pandas_plain_year(file: str, measures, items):
    import numpy as np
    import pandas as pd

    lookup = pd.DataFrame([(y, col, code, score, qid) for qid, by_year in items.items()
                           for y, (col, opts) in by_year.items() for code, score in opts.items()],
                          columns=["survey_year", "question_code", "answer", "item_score", "question_id"])
    members = pd.DataFrame([(m, q) for m, qids in measures.items() for q in qids],
                           columns=["measure_code", "question_id"])
    n_items = members.groupby("measure_code").size().rename("n_items").reset_index()
    df = pd.read_parquet(file)
    df["rid"] = np.arange(len(df))
    questions = [c for c in df.columns if c.startswith("Q")]
    long = df.melt(id_vars=["rid", "survey_year"], value_vars=questions, var_name="question_code",
                   value_name="answer").dropna(subset=["answer"])
    long["answer"] = long["answer"].astype(int)
    long = long.merge(lookup, on=["survey_year", "question_code", "answer"]).merge(members, on="question_id")
    subs = long.groupby(["rid", "measure_code"]).agg(
        total=("item_score", "sum"), answered=("item_score", "size")).reset_index().merge(n_items, on="measure_code")
    del long
    subs = subs.merge(df[["rid", "org_code", "survey_year", "occupation_group"]], on="rid")
    subs = subs[subs["answered"] >= np.maximum(1, np.ceil(MIN_SHARE * subs["n_items"]))]
    subs["score"] = subs["total"] / subs["answered"]
    subs = _appraisal_rule(subs, df)
    known = df.dropna(subset=["occupation_group"])
    counts = known.groupby(["survey_year", "org_code", "occupation_group"]).size().rename("n").reset_index()
    org_total = counts.groupby(["survey_year", "org_code"])["n"].transform("sum")
    group_share = (counts.groupby(["survey_year", "occupation_group"])["n"].transform("sum")
                   / counts.groupby("survey_year")["n"].transform("sum"))
    counts["weight"] = np.minimum(CAP, group_share / (counts["n"] / org_total))
    subs = subs.merge(counts[["survey_year", "org_code", "occupation_group", "weight"]], how="left",
                      on=["survey_year", "org_code", "occupation_group"])
    subs["weight"] = subs["weight"].fillna(1.0)
    subs["ws"] = subs["score"] * subs["weight"]
    agg = subs.groupby(["org_code", "survey_year", "measure_code"]).agg(
        ws=("ws", "sum"), w=("weight", "sum"), base_n=("ws", "size")).reset_index()
    agg = agg[agg["base_n"] >= MIN_BASE]
    agg["score"] = agg["ws"] / agg["w"]
    return agg[["org_code", "survey_year", "measure_code", "score", "base_n"]]


def _appraisal_rule(subs, df):
    """Appraisals for respondents who had none (0) or cannot remember (left out), whatever they answered after."""
    import pandas as pd

    column = appraisal_columns().get(int(df["survey_year"].iloc[0]))
    if column not in df:
        return subs
    answer = df[column]
    filtered = df.loc[answer.isin([APPRAISAL_NO, APPRAISAL_CANT_REMEMBER]), "rid"]
    subs = subs[~((subs["measure_code"] == APPRAISAL) & subs["rid"].isin(filtered))]
    none = df.loc[answer == APPRAISAL_NO, ["rid", "org_code", "survey_year", "occupation_group"]]
    return pd.concat([subs, none.assign(measure_code=APPRAISAL, score=0.0)], ignore_index=True)


def pandas_scores(out: str, files: list[str]) -> None:
    """pandas with hand-vectorised numpy, wide, one year file at a time (a tuned implementation)."""
    import numpy as np
    import pandas as pd

    measures, items = scoring()
    frames = []
    for f in files:
        df = pd.read_parquet(f)
        year = int(df["survey_year"].iloc[0])
        n = len(df)
        item = {}
        for qid, by_year in items.items():
            if year not in by_year:
                item[qid] = np.full(n, np.nan)
                continue
            col, opts = by_year[year]
            lookup = np.full(64, np.nan)
            for code, score in opts.items():
                lookup[code] = score
            codes = (df[col].to_numpy(dtype="float64", na_value=0).astype(int) if col in df
                     else np.zeros(n, int))
            item[qid] = lookup[codes]
        subs = pd.DataFrame({"org_code": df["org_code"], "survey_year": year,
                             "occupation_group": df["occupation_group"]})
        for m, qids in measures.items():
            stack = np.column_stack([item[q] for q in qids])
            answered = (~np.isnan(stack)).sum(axis=1)
            mean = np.nansum(stack, axis=1) / np.maximum(answered, 1)
            subs[m] = np.where(answered >= max(1, math.ceil(MIN_SHARE * len(qids))), mean, np.nan)
        column = appraisal_columns().get(year)
        if column in df:
            answer = df[column].to_numpy(dtype="float64", na_value=np.nan)
            subs[APPRAISAL] = np.where(answer == APPRAISAL_NO, 0.0,
                                       np.where(answer == APPRAISAL_CANT_REMEMBER, np.nan, subs[APPRAISAL]))
        del df, item
        known = subs.dropna(subset=["occupation_group"])
        counts = known.groupby(["org_code", "occupation_group"]).size().rename("n").reset_index()
        org_total = counts.groupby("org_code")["n"].transform("sum")
        group_share = counts.groupby("occupation_group")["n"].transform("sum") / counts["n"].sum()
        counts["weight"] = np.minimum(CAP, group_share / (counts["n"] / org_total))
        subs = subs.merge(counts[["org_code", "occupation_group", "weight"]], how="left",
                          on=["org_code", "occupation_group"])
        subs["weight"] = subs["weight"].fillna(1.0)
        for m in measures:
            ok = subs[m].notna()
            part = subs[ok].assign(ws=subs.loc[ok, m] * subs.loc[ok, "weight"])
            agg = part.groupby("org_code").agg(ws=("ws", "sum"), w=("weight", "sum"), base_n=("ws", "size"))
            agg = agg[agg["base_n"] >= MIN_BASE]
            frames.append(pd.DataFrame({"org_code": agg.index, "survey_year": year, "measure_code": m,
                                        "score": (agg["ws"] / agg["w"]).to_numpy(),
                                        "base_n": agg["base_n"].to_numpy()}))
    pd.concat(frames, ignore_index=True).to_parquet(out, index=False)


def published_floor(out: str, memory_limit: str, landing: str, published: str) -> None:
    """A lower bound of the published-level refresh: read every cell of every landing file once, with the
    fastest reader there is for it (DuckDB's CSV reader, all sources' files of one folder in one scan;
    python-calamine for workbooks), then write each published table into a new DuckDB file of the
    publication's storage version with one statement (its rows copied from the refresh's own publication:
    the refresh must at least write them). Nothing is parsed, checked, modelled, gated or recorded; nothing
    a refresh does could take less."""
    import duckdb
    from python_calamine import CalamineWorkbook

    con = duckdb.connect(config={"memory_limit": memory_limit})
    cells = 0
    for folder in sorted(p for p in Path(landing).iterdir() if p.is_dir()):
        files = sorted(str(f) for f in folder.rglob("*.csv"))
        if files:
            cells += _csv_cells(con, folder.name, files)
        for book in sorted(f for f in folder.rglob("*") if f.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods")):
            workbook = CalamineWorkbook.from_path(str(book))
            for name in workbook.sheet_names:
                cells += sum(len(row) for row in workbook.get_sheet_by_name(name).to_python())
    Path(out).unlink(missing_ok=True)
    con.execute("attach ? as pub (read_only)", [published])
    con.execute("attach ? as floor (storage_version 'v1.4.0')", [out])
    tables = [t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = 'pub' "
                                        "and schema_name = 'main' order by table_name").fetchall()]
    for table in tables:
        con.execute(f'create table floor.main."{table}" as select * from pub.main."{table}"')
    con.execute("detach floor")
    print(f"{cells} cells read, {len(tables)} tables written")


def _csv_cells(con, name: str, files: list[str]) -> int:
    """Every cell of a folder's CSV files as text, in one scan (by column names when their layouts differ)."""
    import duckdb

    scan = "read_csv(?, all_varchar = true, header = false, null_padding = true, union_by_name = {})"
    try:
        con.execute(f"create or replace temp table raw_{name} as select * from {scan.format('false')}", [files])
    except duckdb.Error as mismatch:
        if "union_by_name" not in str(mismatch):
            raise
        con.execute(f"create or replace temp table raw_{name} as select * from {scan.format('true')}", [files])
    rows = con.execute(f"select count(*) from raw_{name}").fetchall()[0][0]
    return rows * len(con.execute(f"describe raw_{name}").fetchall())


if __name__ == "__main__":
    kind, out, memory_limit, *paths = sys.argv[1:]
    {"floor": lambda: floor(out, memory_limit, paths), "pandas": lambda: pandas_plain(out, paths),
     "numpy": lambda: pandas_scores(out, paths),
     "published": lambda: published_floor(out, memory_limit, *paths)}[kind]()
