"""HTML fragments that pages repeat many times (table rows, method notes, statement details), written with
plain string joins: a template loop per cell costs more than the rest of a page's build."""

from __future__ import annotations

import re

from markupsafe import Markup, escape


def table_rows(rows: list[list[str]]) -> str:
    """Body rows of a data table: the first cell heads its row."""
    return "".join(f'<tr><th scope="row">{text(row[0])}</th>' + "".join(f"<td>{text(c)}</td>" for c in row[1:])
                   + "</tr>" for row in rows if row)


_SPECIAL = re.compile(r"[&<>'\"]")


def text(value) -> str:
    """What `escape(value)` renders, without building a Markup for each of a page's thousands of cells (most
    are numbers and words with nothing to escape)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    value = str(value)
    return value if _SPECIAL.search(value) is None else str(escape(value))


def plain_table(caption: str, columns: list[str], rows: list[list[str]]) -> Markup:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return Markup(f'<div class="table-scroll"><table>\n  <caption>{escape(caption)}</caption>\n'
                  f"  <thead><tr>{head}</tr></thead>\n  <tbody>{body}</tbody>\n</table></div>")


def method_note(code: str, name: str, fields: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in fields)
    return (f'<details class="method"><summary>{escape(name)} <code>{escape(code)}</code></summary>'
            f"<dl>{items}</dl></details>")


def statements(items: list[dict]) -> Markup:
    """The well-led statements, each opening onto the indicators behind each of its counts."""
    out = []
    for st in items:
        body = "" if st["groups"] else ('<p class="muted">No indicator of this statement has a value or an '
                                        "assessment here.</p>")
        if st.get("chance"):
            body = f'<p class="chance">{escape(st["chance"])}.</p>' + body
        for group in st["groups"]:
            lines = "".join(
                f"<li><strong>{escape(i['name'])}</strong> <code>{escape(i['code'])}</code>"
                + (f": {escape(i['value'])}" if i["value"] else "")
                + (f' <span class="muted">({escape(i["basis"])})</span>' if i["basis"] else "") + "</li>"
                for i in group["items"])
            meaning = f'<p class="muted">{escape(group["meaning"])}</p>' if group.get("meaning") else ""
            body += f'<h4>{escape(group["label"])}</h4>{meaning}<ul class="indicator-list">{lines}</ul>'
        out.append(f'<details class="statement"><summary>{escape(st["statement"])} <span class="muted">'
                   f'({escape(st["coverage"])})</span></summary>{body}</details>')
    return Markup('<div class="statements">' + "".join(out) + "</div>")


def glossary(kinds: list[tuple[str, list[tuple[str, str]]]]) -> Markup:
    """What every label on the page means, by kind (verdicts, not judged, positions, trends)."""
    parts = "".join(f"<h4>{escape(kind)}</h4><dl>" + "".join(f"<dt>{escape(name)}</dt><dd>{escape(meaning)}</dd>"
                                                             for name, meaning in entries) + "</dl>"
                    for kind, entries in kinds)
    return Markup(f'<details class="glossary"><summary>What each label means</summary>{parts}</details>')
