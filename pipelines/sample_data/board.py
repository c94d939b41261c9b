"""Board registers: a simulated history of each trust board, one CSV per trust per quarter end
(`board/<YYYY-MM-DD>/BOARD_<org_code>_<YYYY-MM-DD>.csv`, columns of docs/sources.md).

Posts are stable (`<org>-P01` chair, `-P02` chief executive, executive and other directors, 5-7
non-executive directors, 0-2 associates). Each quarter people may leave (hazards by role), non-executive
terms of 3 years end or are renewed, posts fall vacant, are filled by interims who later become
substantive or are replaced, and a departing chief executive is sometimes succeeded by one of the voting
executive directors (who keeps the member id). The first trust that exists throughout the period follows a
fixed storyline so every sample has each event: a non-executive vacancy (quarter 2), the chief operating
officer becoming chief executive with an interim taking the operating post (quarter 3), and that interim
made substantive (quarter 5). Member ids are pseudonyms (`M` + 8 hex digits); gender and ethnic category
are drawn per person (about 47% women; BME share below the trust workforce's).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from pathlib import Path

from .orgs import Trust, Universe
from .util import rng, short_hash, write_csv

HEADER = ("org_code", "as_at_date", "post_id", "member_id", "role_title", "role_category", "is_executive",
          "is_voting", "is_interim", "gender", "ethnic_category", "start_date", "end_date")
# (title, role_category, is_executive, is_voting, share of women)
CHAIR = ("Chair", "chair", False, True, 0.40)
CEO = ("Chief Executive", "chief_executive", True, True, 0.45)
EXECUTIVES = (
    ("Chief Financial Officer", "executive_director", True, True, 0.35),
    ("Medical Director", "executive_director", True, True, 0.35),
    ("Chief Nurse", "executive_director", True, True, 0.80),
    ("Chief Operating Officer", "executive_director", True, True, 0.50),
    ("Chief People Officer", "executive_director", True, False, 0.65),
    ("Director of Strategy", "other_director", True, False, 0.50),
)
CORPORATE = ("Director of Corporate Affairs", "other_director", True, False, 0.55)
NED = ("Non-Executive Director", "non_executive_director", False, True, 0.45)
VICE_CHAIR = ("Vice Chair and Non-Executive Director", "non_executive_director", False, True, 0.45)
ASSOCIATE = ("Associate Non-Executive Director", "associate_non_executive_director", False, False, 0.50)
HAZARD = {"chair": 0.04, "chief_executive": 0.06, "executive_director": 0.05, "other_director": 0.05,
          "non_executive_director": 0.03, "associate_non_executive_director": 0.05}
TERM = dt.timedelta(days=3 * 365)
INTERIM_TERM = dt.timedelta(days=182)
WHITE = ("A", "B", "C")
BME = tuple("DEFGHJKLMNPRS")
BME_WEIGHTS = (3, 3, 3, 3, 20, 10, 4, 10, 10, 17, 4, 3, 10)


@dataclass(frozen=True)
class Person:
    member_id: str
    gender: str
    ethnic_category: str


@dataclass(frozen=True)
class Holding:
    person: Person
    start: dt.date
    end: dt.date | None
    interim: bool


@dataclass(frozen=True)
class Post:
    post_id: str
    title: str
    category: str
    executive: bool
    voting: bool
    women: float


def quarter_ends(years: tuple[int, ...]) -> list[dt.date]:
    """31 March of the first survey year to 31 March of the last reporting year."""
    out = []
    for year in range(years[0], years[-1] + 2):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            d = dt.date(year, month, day)
            if dt.date(years[0], 3, 31) <= d <= dt.date(years[-1] + 1, 3, 31):
                out.append(d)
    return out


def _posts(trust: Trust, r: random.Random) -> list[Post]:
    specs = [CHAIR, CEO, *EXECUTIVES]
    if trust.kind == "ambulance":
        specs[5] = ("Director of Operations", *specs[5][1:])
    if r.random() < 0.6:
        specs.append(CORPORATE)
    specs += [VICE_CHAIR] + [NED] * r.randint(4, 6) + [ASSOCIATE] * r.randint(0, 2)
    return [Post(f"{trust.code}-P{i:02d}", *spec) for i, spec in enumerate(specs, start=1)]


class _Board:
    def __init__(self, trust: Trust, seed: int):
        self.trust, self.seed = trust, seed
        self.r = rng(seed, trust.code, "board")
        self.posts = _posts(trust, self.r)
        self.held: dict[str, Holding | None] = {}
        self._people = 0

    def person(self, post: Post) -> Person:
        self._people += 1
        r = self.r
        u = r.random()
        gender = "female" if u < post.women else "male"
        if u > 0.99:
            gender = "not_stated" if u < 0.997 else "other"
        u = r.random()
        bme = self.trust.bme0 * (0.6 if post.executive else 0.75)
        if u < 0.03:
            ethnic = "Z"
        elif u < 0.04:
            ethnic = "99"
        elif u < 0.06:
            ethnic = ""
        elif r.random() < bme:
            ethnic = r.choices(BME, BME_WEIGHTS)[0]
        else:
            ethnic = r.choices(WHITE, (85, 3, 12))[0]
        return Person("M" + short_hash(self.seed, self.trust.code, self._people), gender, ethnic)

    def appoint(self, post: Post, start: dt.date, interim: bool = False, person: Person | None = None) -> None:
        person = person or self.person(post)
        if interim:
            end = start + INTERIM_TERM
        elif not post.executive:
            end = start + TERM
        else:
            end = None
        self.held[post.post_id] = Holding(person, start, end, interim)

    def start(self, first: dt.date) -> None:
        for post in self.posts:
            earliest = max(self.trust.open_date, first - dt.timedelta(days=6 * 365))
            start = earliest + dt.timedelta(days=self.r.randint(0, max(0, (first - earliest).days)))
            self.appoint(post, start)
            h = self.held[post.post_id]
            while h.end is not None and h.end <= first:
                h = replace(h, end=h.end + TERM)
            self.held[post.post_id] = h

    def step(self, prev: dt.date, day: dt.date) -> None:
        r = self.r
        for post in self.posts:
            h = self.held[post.post_id]
            when = prev + dt.timedelta(days=r.randint(1, (day - prev).days))
            if h is None:
                if r.random() < 0.6:
                    self.appoint(post, when, interim=post.executive and r.random() < 0.3)
            elif h.interim:
                if (h.end is not None and h.end <= day) or r.random() < 0.3:
                    if r.random() < 0.7:
                        self.held[post.post_id] = replace(h, interim=False, end=None)
                    else:
                        self.appoint(post, when)
            elif h.end is not None and h.end <= day:
                if r.random() < 0.6:
                    self.held[post.post_id] = replace(h, end=h.end + TERM)
                else:
                    self._leave(post, when)
            elif r.random() < HAZARD[post.category]:
                self._leave(post, when)

    def _leave(self, post: Post, when: dt.date) -> None:
        r = self.r
        if post.category == "chief_executive" and r.random() < 0.4:
            candidates = [p for p in self.posts if p.category == "executive_director" and p.voting
                          and self.held[p.post_id] is not None and not self.held[p.post_id].interim]
            if candidates:
                self.promote(r.choice(candidates), post, when)
                return
        u = r.random()
        if u < 0.45:
            self.appoint(post, when)
        elif u < 0.7 and post.executive:
            self.appoint(post, when, interim=True)
        else:
            self.held[post.post_id] = None

    def promote(self, from_post: Post, to_post: Post, when: dt.date) -> None:
        """A member changes role: keeps the member id, starts in the new post; the old post gets an interim."""
        self.appoint(to_post, when, person=self.held[from_post.post_id].person)
        self.appoint(from_post, when, interim=True)

    def storyline(self, index: int, prev: dt.date, day: dt.date) -> None:
        """Fixed events for the showcase trust (quarter index of `day`)."""
        mid = prev + dt.timedelta(days=(day - prev).days // 2)
        post = {p.title: p for p in self.posts}
        for p in self.posts:  # terms that end this quarter are renewed (interims made substantive)
            h = self.held[p.post_id]
            if h is not None and h.end is not None and h.end <= day:
                renewed = replace(h, interim=False, end=None) if h.interim else replace(h, end=h.end + TERM)
                self.held[p.post_id] = renewed
        if index == 1:
            self.held[post["Vice Chair and Non-Executive Director"].post_id] = None
        elif index == 3:
            self.appoint(post["Vice Chair and Non-Executive Director"], mid)
        if index == 2:
            operations = next(p for p in self.posts if p.title in ("Chief Operating Officer", "Director of Operations"))
            self.promote(operations, post["Chief Executive"], mid)
        elif index == 4:
            operations = next(p for p in self.posts if p.title in ("Chief Operating Officer", "Director of Operations"))
            self.held[operations.post_id] = replace(self.held[operations.post_id], interim=False, end=None)

    def rows(self, day: dt.date) -> list[tuple]:
        out = []
        for post in self.posts:
            h = self.held[post.post_id]
            flags = ("true" if post.executive else "false", "true" if post.voting else "false")
            if h is None:
                out.append((self.trust.code, day.isoformat(), post.post_id, "", post.title, post.category, *flags,
                            "false", "", "", "", ""))
                continue
            end = h.end.isoformat() if h.end is not None and h.end > day else ""
            out.append((self.trust.code, day.isoformat(), post.post_id, h.person.member_id, post.title,
                        post.category, *flags, "true" if h.interim else "false", h.person.gender,
                        h.person.ethnic_category, h.start.isoformat(), end))
        return out


def simulate(universe: Universe) -> dict[str, dict[dt.date, list[tuple]]]:
    """{trust code: {as-at date: register rows}} for every English trust on every quarter end it exists."""
    days = quarter_ends(universe.years)
    returning = [t for t in universe.trusts if t.in_ods]  # as Universe.returning_trusts_on
    showcase = next(t.code for t in returning if t.exists_on(days[0]) and t.exists_on(days[-1]))
    out: dict[str, dict[dt.date, list[tuple]]] = {}
    for trust in returning:
        mine = [d for d in days if trust.exists_on(d)]
        if not mine:
            continue
        board = _Board(trust, universe.seed)
        board.start(mine[0])
        registers = {mine[0]: board.rows(mine[0])}
        for i in range(1, len(mine)):
            if trust.code == showcase:
                board.storyline(i, mine[i - 1], mine[i])
            else:
                board.step(mine[i - 1], mine[i])
            registers[mine[i]] = board.rows(mine[i])
        out[trust.code] = registers
    return out


def write(out: Path, registers: dict[str, dict[dt.date, list[tuple]]]) -> int:
    n = 0
    for code, by_day in registers.items():
        for day, rows in by_day.items():
            write_csv(out / "board" / day.isoformat() / f"BOARD_{code}_{day.isoformat()}.csv", HEADER, rows)
            n += 1
    return n


def composition(rows: list[tuple]) -> dict[tuple[str, str, str], int]:
    """WRES indicator 9 counts from one register: (voting|non_voting, executive|non_executive, ethnicity)."""
    counts = {(v, b, e): 0 for v in ("voting", "non_voting") for b in ("executive", "non_executive")
              for e in ("white", "bme", "unknown")}
    for row in rows:
        if not row[3]:
            continue
        ethnic = row[10]
        group = "white" if ethnic in WHITE else "bme" if ethnic in BME else "unknown"
        key = ("voting" if row[7] == "true" else "non_voting", "executive" if row[6] == "true" else "non_executive",
               group)
        counts[key] += 1
    return counts
