"""Event dates: the day a sentence's claim is about, read relative to the publication date.

Language knowledge (weekday, month and relative-day words, words that block a date) lives in
lexicons/dates_<lang>.tsv; this module turns it into one candidate regex per language, run once per
update and only where a cheap scan says a date may start. Explicit dates are decoded from the regex groups
directly: dateparser would parse the same span far slower and adds nothing once day, month and year are captured.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

LEXICONS = Path(__file__).resolve().parent / "lexicons"
APOSTROPHES = "\u2019\u2018\u02bc"

# Expressions further than this many characters from the date are not read as its blockers.
_BLOCK_WINDOW = 30


def read_tsv(path: Path) -> list[list[str]]:
    """Rows of a lexicon TSV: comments (#) and blank lines skipped, cells stripped."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def surface_regex(surface: str) -> str:
    """Regex for one lexicon surface: spaces match any whitespace, ' both apostrophes, a final * any ending."""
    words = []
    for word in surface.split():
        stem = word.endswith("*") and len(word) > 1
        word = word.rstrip("*") if stem else word
        piece = re.escape(word).replace("'", "['\u2019\u2018\u02bc]")
        words.append(piece + (r"\w*" if stem else ""))
    return r"\s+".join(words)


def alternation(surfaces) -> str:
    """A non-capturing alternation of folded surfaces, longest first so that the longest wins.

    Patterns built from it run on fold()ed text, without re.IGNORECASE (several times faster).
    """
    uniq = sorted({fold(s) for s in surfaces}, key=lambda s: (-len(s), s))
    return "(?:" + "|".join(surface_regex(s) for s in uniq) + ")" if uniq else "(?!)"


_FOLDS = tuple((ch, "'") for ch in APOSTROPHES) + (("\u00a0", " "), ("\u202f", " "))


def fold(text: str) -> str:
    """Lower case, one apostrophe, plain spaces; same length as the input, so offsets carry over."""
    for old, new in _FOLDS:  # str.replace is far faster than str.translate with a table
        if old in text:
            text = text.replace(old, new)
    lowered = text.lower()
    # A few capitals lower to two characters ("İ"); keep one so that offsets still line up.
    return lowered if len(lowered) == len(text) else "".join(ch.lower()[0] for ch in text)


@dataclass(frozen=True)
class DateLexicon:
    weekdays: dict[str, int]
    months: dict[str, int]
    relative: dict[str, int]
    candidates: re.Pattern
    starts: re.Pattern  # where a candidate may start (see starts_pattern)
    night_range: re.Pattern
    night_heads: tuple[str, ...]  # a night range needs one of these in the text (see literal_heads)
    block_before: re.Pattern
    block_after: re.Pattern
    clause_block: re.Pattern


@lru_cache(maxsize=None)
def date_lexicon(lang: str) -> DateLexicon | None:
    path = LEXICONS / f"dates_{lang}.tsv"
    if not path.exists():
        return None
    by_kind: dict[str, dict[str, str]] = {}
    for row in read_tsv(path):
        kind, surface = row[0], row[1]
        value = row[2] if len(row) > 2 else ""
        by_kind.setdefault(kind, {})[fold(surface)] = value
    get = lambda kind: by_kind.get(kind, {})  # noqa: E731
    wd, mo = alternation(get("weekday")), alternation(get("month"))
    day = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
    year, year2 = (rf"(?:,?\s+(?P<{name}>(?:19|20)\d\d))?" for name in ("year", "year2"))
    explicit = (  # "jeudi 24 octobre (2024)", "the 24th of October" | "Thursday, October 24(, 2024)"
        rf"(?:(?P<wd1>{wd})\s+)?(?:(?:le|the)\s+)?{day}\s+(?:of\s+)?(?P<month>{mo})\.?{year}"
        rf"|(?:(?P<wd2>{wd}),?\s+)?(?P<month2>{mo})\.?\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?(?!\d){year2}"
    )
    candidates = re.compile(
        rf"(?<!\w)(?:{explicit}|(?P<night>{alternation(get('night'))})|(?P<rel>{alternation(get('relative'))})"
        rf"|(?P<wd>{wd}))(?!\w)"
    )
    # Every candidate opens with a digit, "le"/"the" before a day number, or a lexicon surface.
    starts = starts_pattern([r"\d", r"(?:le|the)\s+\d"] + [surface_regex(s) for kind in ("weekday", "month", "night",
                                                                                   "relative") for s in get(kind)])
    night_range = re.compile(
        rf"(?<!\w){alternation(get('night_of'))}\s+(?:{wd})\s+{alternation(get('night_to'))}\s+(?P<to>{wd})(?!\w)"
    )
    article = r"(?:\s+(?:le|la|l'|ce|cette|this|the|on))?"
    block_before = re.compile(rf"(?<!\w){alternation(get('block'))}{article}\s*$")
    block_after = re.compile(rf"^\s*{alternation(get('block_after'))}(?!\w)")
    clause_block = re.compile(rf"(?<!\w){alternation(get('clause_block'))}(?!\w)")
    return DateLexicon(
        weekdays={k: int(v) for k, v in get("weekday").items()},
        months={k: int(v) for k, v in get("month").items()},
        relative={k: int(v) for k, v in get("relative").items()},
        candidates=candidates,
        starts=starts,
        night_range=night_range,
        night_heads=literal_heads(get("night_of")),
        block_before=block_before,
        block_after=block_after,
        clause_block=clause_block,
    )


def starts_pattern(openings: list[str]) -> re.Pattern:
    """Where a match of a (?<!\\w)-anchored pattern may start, given the regexes its matches open with.

    Run on " " + text: a match is the non-word character before the start, so its start() is the start in
    text. Opening with that character lets the regex engine skip at C speed to the few places a word
    begins, where trying the full pattern at every position costs an alternation per word.
    """
    return re.compile(r"\W(?=" + "|".join(f"(?:{o})" for o in openings) + ")") if openings else re.compile("(?!)")


def find_from(pattern: re.Pattern, starts: re.Pattern, text: str) -> list[re.Match]:
    """The same matches as pattern.finditer(text), trying the pattern only where starts (see starts_pattern)
    says one may begin; pattern must not match the empty string."""
    found, end = [], 0
    for c in starts.finditer(" " + text):
        at = c.start()
        if at >= end and (m := pattern.match(text, at)):
            found.append(m)
            end = m.end()
    return found


def literal_heads(surfaces) -> tuple[str, ...]:
    """The literal text each lexicon surface (folded) opens with: a match of their alternation needs one of
    them in the text. An empty tuple (no surfaces, or one opening with no literal) means "cannot tell"."""
    heads = []
    for s in surfaces:
        words = fold(s).split()
        head = words[0].rstrip("*").split("'")[0] if words else ""
        if not head:
            return ()
        heads.append(head)
    return tuple(heads)


def _last_weekday(weekday: int, base: date) -> date:
    """The most recent such weekday on or before base."""
    return base - timedelta(days=(base.weekday() - weekday) % 7)


def _norm_key(text: str) -> str:
    return " ".join(fold(text).split())


_CLAUSE_BREAK = re.compile(r"[,;:()«»“”\"]")


def _blocked(lex: DateLexicon, text: str, s0: int, s1: int, start: int, end: int) -> bool:
    """A date that is not the event's: a future or cumulative start, or one inside a "where …" clause."""
    before = text[max(s0, start - _BLOCK_WINDOW):start]
    if lex.block_before.search(before) or lex.block_after.match(text[end:min(s1, end + _BLOCK_WINDOW)]):
        return True
    clause = _CLAUSE_BREAK.split(text[s0:start])[-1]
    return bool(lex.clause_block.search(clause))


def _explicit(lex: DateLexicon, m: re.Match, base: date | None) -> date | None:
    day_s, month_s, year_s = m.group("day") or m.group("day2"), m.group("month") or m.group("month2"), (
        m.group("year") or m.group("year2")
    )
    month = lex.months.get(_norm_key(month_s))
    if month is None:
        return None
    if year_s:
        year = int(year_s)
    elif base is not None:
        year = base.year - (1 if month - base.month > 6 else 0)  # "28 décembre" read in January
    else:
        return None
    try:
        found = date(year, month, int(day_s))
    except ValueError:
        return None
    # A date after publication is an announced (future) date, never the day of a reported event.
    return None if base is not None and found > base else found


@dataclass(frozen=True)
class DateHits:
    """Date expressions of one folded text, found once; sentences pick theirs by offsets."""

    text: str
    ranges: list[re.Match]  # "nuit de dimanche à lundi"
    candidates: list[re.Match]
    starts: list[int]  # where each candidate starts: a sentence finds its own by bisection


def date_hits(folded: str, lang: str) -> DateHits | None:
    lex = date_lexicon(lang)
    if lex is None:
        return None
    ranges = []
    if not lex.night_heads or any(h in folded for h in lex.night_heads):
        ranges = list(lex.night_range.finditer(folded))
    candidates = find_from(lex.candidates, lex.starts, folded)
    return DateHits(folded, ranges, candidates, [m.start() for m in candidates])


def date_in(hits: DateHits | None, s0: int, s1: int, lang: str, published: datetime | date | None) -> date | None:
    """The date the span [s0, s1) of hits.text states for its event, or None when it states none."""
    lex = date_lexicon(lang)
    if lex is None or hits is None:
        return None
    base = published.date() if isinstance(published, datetime) else published
    text = hits.text
    for m in hits.ranges:
        if s0 <= m.start() and m.end() <= s1 and base is not None and not _blocked(lex, text, s0, s1, *m.span()):
            return _last_weekday(lex.weekdays[_norm_key(m.group("to"))], base)
    # Candidates do not overlap and come in text order: from the first at s0 on, until one starts at s1.
    for m in hits.candidates[bisect_left(hits.starts, s0):]:
        if m.start() >= s1:
            break
        if m.end() > s1 or _blocked(lex, text, s0, s1, *m.span()):
            continue
        if m.group("month") or m.group("month2"):
            found = _explicit(lex, m, base)
            if found is not None:
                return found
            continue
        if base is None:
            continue
        if m.group("night"):
            return base
        if m.group("rel"):
            return base + timedelta(days=lex.relative[_norm_key(m.group("rel"))])
        if m.group("wd"):
            return _last_weekday(lex.weekdays[_norm_key(m.group("wd"))], base)
    return None


def find_event_date(sentence: str, lang: str, published: datetime | date | None) -> date | None:
    """The date the sentence states for its event, or None when it states none."""
    folded = fold(sentence)
    return date_in(date_hits(folded, lang), 0, len(folded), lang, published)


def with_precision(found: date | None, published: datetime | None) -> tuple[date | None, str]:
    """(date, "day") when stated, else (publication date, "inferred")."""
    if found is not None:
        return found, "day"
    return (published.date() if published is not None else None), "inferred"


def event_date(sentence: str, lang: str, published: datetime | None) -> tuple[date | None, str]:
    """(date, precision): "day" when the sentence states it, else the publication date, "inferred"."""
    return with_precision(find_event_date(sentence, lang, published), published)
