"""The scorecard's words as a reader sees them: each published code, its label and what it means (and does not).

Three kinds that must never be mixed on a page: verdicts (from a statistical test or a target every
organisation can meet; only `better` and `worse` are coloured good and bad), positions (where a value sits
among the comparator's organisations: a quarter of any group is in its bottom quarter by construction, so a
position is never coloured or counted as a verdict) and trends (tested changes from the prior period).
"""

from __future__ import annotations

# code -> (label, plain meaning). Order is reading order (charts and lists follow it).
VERDICTS: dict[str, tuple[str, str]] = {
    "better": ("Better than expected",
               "A test or target shows a difference in the good direction (beyond the funnel's 99.8% limit, or a "
               "95% interval wholly on the good side of its band)."),
    "as_expected": ("As expected",
                    "Inside the funnel, the band or the target: no evidence of a difference (not proof of none)."),
    "worse": ("Worse than expected",
              "A test or target shows a difference in the adverse direction (beyond the funnel's 99.8% limit, a "
              "95% interval wholly outside its band, or a board target every board size can meet missed)."),
    "outside_band_not_significant": ("Outside the band, not significant",
                                     "The value is outside its target band but its 95% interval reaches the band: "
                                     "the data cannot tell (often a small group)."),
    "not_estimable": ("Not estimable",
                      "A ratio that cannot be computed because a group has no events or no people; read its counts, "
                      "as it can be the most adverse case."),
}
NOT_JUDGED: dict[str, tuple[str, str]] = {
    "position_only": ("Position only",
                      "A score or count published without a spread, so there is no test: only its position among "
                      "peers is shown."),
    "not_assessed": ("Not assessed",
                     "A value, but descriptive, with too few organisations to compare with, or without an interval."),
    "missing": ("No value", "Withheld for small numbers, or not published for this organisation and period."),
}
ASSESSMENTS: dict[str, tuple[str, str]] = {**VERDICTS, **NOT_JUDGED}
POSITIONS: dict[str, tuple[str, str]] = {
    "top_quarter": ("Top quarter of peers",
                    "At least three quarters of the comparator's organisations have a less favourable value. A "
                    "position, not a verdict."),
    "middle": ("Middle of peers", "Neither in the top nor the bottom quarter of the comparator's organisations."),
    "bottom_quarter": ("Bottom quarter of peers",
                       "At least three quarters of the comparator's organisations have a more favourable value. A "
                       "quarter of any group is here by construction: a position, not a verdict."),
}
TRENDS: dict[str, tuple[str, str]] = {
    "improved": ("Improved", "A change towards good since the prior period, significant at 95%."),
    "deteriorated": ("Deteriorated", "A change away from good since the prior period, significant at 95%."),
    "no_significant_change": ("No significant change", "Tested, and the change is within what chance gives."),
    "direction_only": ("Direction only",
                       "No spread is published, so the change cannot be tested; it is not counted as change."),
}

ASSESSMENT_LABELS = {code: label for code, (label, _) in ASSESSMENTS.items()}
POSITION_LABELS = {code: label for code, (label, _) in POSITIONS.items()}


def label(vocabulary: dict[str, tuple[str, str]], code) -> str:
    """The label of a code; an unknown code is shown as itself in words, never hidden."""
    if code is None:
        return ""
    return vocabulary[code][0] if code in vocabulary else str(code).replace("_", " ")


def glossary() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every label with its meaning, by kind, for the page's key."""
    return [("Verdicts (from a test or an attainable target)", list(VERDICTS.values())),
            ("Not judged", list(NOT_JUDGED.values())),
            ("Positions among peers (never a verdict)", list(POSITIONS.values())),
            ("Trends since the prior period", list(TRENDS.values()))]
