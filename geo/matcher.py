"""Find place-name mentions in text: spans, gazetteer candidates and the cue words around them.

One Aho–Corasick automaton over every folded name key of the gazetteer (built once per Gazetteer) scans
the folded text; an offset map leads each hit back to the original text. A hit is kept when it sits on
word boundaries (a lower→upper case change counts, for the glued headlines of syndicated text), starts
with a capital letter, and is the longest hit over its span. The cue words around a kept hit (region
words, kind cues, relative-location phrases, metonymy verbs) come from data files in geo/cues/ and are
matched on a 1:1 normalised copy of the text (same length, so offsets carry over).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from geo.gazetteer import Gazetteer
from geo.names import fold, fold_char

CUES_DIR = Path(__file__).parent / "cues"
_MIN_KEY = 3  # shorter keys ("Ob", "Ai") are too often something else
_WINDOW = 80  # characters of context read on each side of a name for cues


@dataclass(frozen=True)
class Relative:
    """ "8 km au nord de X": distance and bearing from the anchor mention starting at anchor_start."""

    km: float
    bearing: float
    anchor_start: int
    anchor_kind: str = ""  # set when the anchor is an anaphor ("the plant"): the kind of the mention meant


@dataclass
class Mention:
    surface: str  # as written, cue words included when they belong to the place ("région de Donetsk")
    start: int
    end: int
    key: str  # folded name key looked up in the gazetteer ("" for a relative location)
    candidates: tuple[str, ...]  # gazetteer ids
    name_start: int  # the bare name inside the span
    name_end: int
    kind_cue: str | None = None  # region | settlement | feature, asked for by the words around
    codes: tuple[str, ...] = ()  # acceptable feature codes, for a feature cue
    hint: str = ""  # a word expected in the feature's name ("nuclear")
    country_cue: str | None = None  # "la région russe de" → RU
    metonymic: bool = False  # a seat of power used as an actor ("Moscou revendique")
    near_start: int | None = None  # "X, a village near Y" / "X, east of Y": the start of Y's mention
    plural_region: bool = False  # touched by a plural region word ("the Kursk and Belgorod regions")
    relative: Relative | None = None


# ---------------------------------------------------------------- cue data


def _rows(name: str) -> list[list[str]]:
    out = []
    for line in (CUES_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(line.rstrip("\n").split("\t"))
    return out


def norm_char(c: str) -> str:
    """One character of the 1:1 normalised text: folded, apostrophes as spaces, one char kept per char."""
    f = fold_char(c)
    if len(f) == 1:
        return f
    return f[:1] or " "


def normalise(s: str) -> str:
    """Same length as s: lower case, no diacritics, apostrophes and dashes as spaces."""
    return s.translate({ord(c): norm_char(c) for c in set(s)})


def _phrase_re(phrases) -> str:
    """Alternation of normalised phrases, longest first, spaces matching any run of spaces."""
    uniq = sorted({" ".join(normalise(p).split()) for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in uniq)


@dataclass(frozen=True)
class Cues:
    stop: frozenset[str]
    common: frozenset[str]
    seats: frozenset[str]
    region_before: re.Pattern  # matched against the normalised text just before a name
    region_after: re.Pattern  # ... just after it
    plural_words: frozenset[str]
    adjective_country: dict
    kind_before: re.Pattern
    kind_after: re.Pattern
    kind_info: dict  # normalised phrase → (kind, codes, extend, hint)
    meto_before: dict  # normalised phrase → "actor" | "location"
    meto_after: frozenset[str]
    meto_skip: frozenset[str]
    relative: re.Pattern
    near: re.Pattern  # text between two names that puts the first near the second
    anaphor: re.Pattern
    numerals: dict
    directions: dict
    cue_words: frozenset[str]  # words of region and kind cues ("Oblast", "River"): not a person's name


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    words = lambda name: frozenset(fold(r[0]) for r in _rows(name))  # noqa: E731
    region = _rows("region_words.tsv")
    adjectives = _rows("region_adjectives.tsv")
    adj_re = _phrase_re(r[1] for r in adjectives)
    before_words = _phrase_re(r[2] for r in region if r[1] == "before")
    after_words = _phrase_re(r[2] for r in region if r[1] == "after")
    region_before = re.compile(
        rf"(?:^|[^\w])(?P<cue>(?P<word>{before_words})(?P<adj>(?:\s+(?:{adj_re}))*)\s+(?:de|d|du|of)\s+)$"
    )
    region_after = re.compile(rf"^(?P<cue>\s+(?P<word>{after_words}))\b")
    kinds = _rows("kind_cues.tsv")
    kind_info = {
        " ".join(normalise(r[2]).split()): (
            r[3], tuple(c for c in r[4].split(",") if c), r[5] == "1", r[6] if len(r) > 6 else ""
        )
        for r in kinds
    }
    kb = _phrase_re(r[2] for r in kinds if r[1] == "before")
    ka = _phrase_re(r[2] for r in kinds if r[1] == "after")
    kind_before = re.compile(rf"(?:^|[^\w])(?P<cue>(?:{kb})\s+(?:d\s+)?)$")
    kind_after = re.compile(rf"^(?P<cue>\s+(?:{ka}))\b")
    meto = _rows("metonymy.tsv")
    meto_before = {}
    for r in meto:
        if r[1] in ("before", "location"):
            meto_before[" ".join(normalise(r[2]).split())] = "actor" if r[1] == "before" else "location"
    rel = _rows("relative.tsv")
    numerals = {" ".join(normalise(r[2]).split()): float(r[3]) for r in rel if r[0] == "numeral"}
    directions = {" ".join(normalise(r[2]).split()): float(r[3]) for r in rel if r[0] == "direction"}
    units = _phrase_re(r[2] for r in rel if r[0] == "unit")
    connectors = _phrase_re(r[2] for r in rel if r[0] == "connector")
    num_re = rf"(?P<num>\d+(?:[.,]\d+)?|{_phrase_re(numerals)})"
    dir_re = _phrase_re(directions)
    core = rf"{num_re}\s*(?P<unit>{units})\s+(?:(?:{connectors})\s+)?(?P<dir>{dir_re})\s+(?:{connectors})\s+"
    relative = re.compile(rf"(?:^|[^\w.,]){core}(?:the\s+)?$")
    anaphor = re.compile(
        rf"(?:^|[^\w.,]){core}(?P<ana>the\s+plant|the\s+station|the\s+city|the\s+town|the\s+village|"
        r"la\s+centrale|la\s+ville|la\s+localite|ce\s+village)\b"
    )
    near_words = _phrase_re([r[2] for r in rel if r[0] == "near"] + [
        f"{d} {c}" for d in directions for c in ("of", "de", "d", "du")])
    near = re.compile(rf"^\s*,?[^.;:!?\n]{{0,60}}?\b(?:{near_words})\s*$")
    return Cues(
        stop=words("stop_names.txt"),
        common=words("common_words.txt"),
        seats=words("seats.txt"),
        region_before=region_before,
        region_after=region_after,
        plural_words=frozenset(" ".join(normalise(r[2]).split()) for r in region if r[3] == "1"),
        adjective_country={" ".join(normalise(r[1]).split()): (r[2] if len(r) > 2 else "") for r in adjectives},
        kind_before=kind_before,
        kind_after=kind_after,
        kind_info=kind_info,
        meto_before=meto_before,
        meto_after=frozenset(normalise(r[2]).strip() for r in meto if r[1] == "after"),
        meto_skip=frozenset(normalise(r[2]).strip() for r in meto if r[1] == "skip"),
        relative=relative,
        near=near,
        anaphor=anaphor,
        numerals=numerals,
        directions=directions,
        cue_words=frozenset(w for r in region + kinds for w in fold(r[2]).split()),
    )


# ---------------------------------------------------------------- automaton and folding


def _automaton(gaz: Gazetteer):
    """The gazetteer's name automaton, built on first use and kept on the Gazetteer object."""
    auto = getattr(gaz, "_name_automaton", None)
    if auto is None:
        cues = load_cues()
        auto = ahocorasick.Automaton()
        for key in gaz.names:
            if len(key) < _MIN_KEY or key in cues.stop or key in cues.common:
                continue
            auto.add_word(key, key)
        auto.make_automaton()
        object.__setattr__(gaz, "_name_automaton", auto)
    return auto


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The text folded per character, and for each folded character the index of its source character
    (None when folding kept every character in place)."""
    table = {}
    special = []
    for c in set(text):
        f = fold_char(c)
        table[ord(c)] = f
        if len(f) != 1:
            special.append(c)
    folded = text.translate(table)
    if not special:
        return folded, None
    offsets: list[int] = []
    pos = 0
    for m in re.finditer("[" + re.escape("".join(special)) + "]", text):
        offsets.extend(range(pos, m.start()))
        offsets.extend([m.start()] * len(table[ord(m.group())]))
        pos = m.end()
    offsets.extend(range(pos, len(text)))
    return folded, offsets


def _left_boundary(text: str, s: int) -> bool:
    if s == 0:
        return True
    p = text[s - 1]
    return not p.isalnum() or (p.islower() and text[s].isupper())


def _right_boundary(text: str, e: int) -> bool:
    if e >= len(text):
        return True
    n = text[e]
    return not n.isalnum() or (n.isupper() and text[e - 1].islower())


# ---------------------------------------------------------------- recognition


def _raw_hits(text: str, gaz: Gazetteer) -> list[tuple[int, int, str]]:
    folded, offsets = fold_with_offsets(text)
    hits = []
    for end_f, key in _automaton(gaz).iter(folded):
        start_f = end_f - len(key) + 1
        s = offsets[start_f] if offsets else start_f
        e = (offsets[end_f] if offsets else end_f) + 1
        if not text[s].isupper() or not _left_boundary(text, s) or not _right_boundary(text, e):
            continue
        surface = text[s:e]
        if surface.isupper() and len(surface) <= 4:  # acronyms: SBU, ONU, PAM
            continue
        hits.append((s, e, key))
    # Longest match wins, then the leftmost.
    hits.sort(key=lambda h: (h[0] - h[1], h[0]))
    covered = bytearray(len(text))
    taken: list[tuple[int, int, str]] = []
    for h in hits:
        if not any(covered[h[0] : h[1]]):
            covered[h[0] : h[1]] = b"\x01" * (h[1] - h[0])
            taken.append(h)
    taken.sort()
    return taken


_PREV_WORD = re.compile(r"([\w]+) $")
_NEXT_WORD = re.compile(r" (\w+)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;»”\"\n⇒]\s*|[a-zà-ÿ])\w$")


def _person_name(text: str, s: int, e: int, cues: Cues, ends: set[int]) -> bool:
    """'Oleksandr Lyman', 'Vladimir Poutine': a place name next to a capitalised word that is neither a
    common word, a cue word nor a place is taken as part of a person's or organisation's name."""
    n = _NEXT_WORD.match(text, e)
    if n:
        w = n.group(1)
        if w[0].isupper() and not w.isupper() and fold(w) not in cues.common and fold(w) not in cues.cue_words:
            # Two names in a row with no comma ("Vladimir Rogov") are a person's, not two places.
            return True
    m = _PREV_WORD.search(text, max(0, s - 30), s)
    if not m:
        return False
    w = m.group(1)
    if not w[0].isupper() or w.isupper() or fold(w) in cues.common or fold(w) in cues.cue_words:
        return False
    if m.end(1) in ends:  # "Vladimir Rogov": two names in a row
        return True
    # A capitalised word that opens a sentence says nothing ("Neither Moscow…").
    return not _SENTENCE_START.search(text, max(0, m.start(1) - 4), m.start(1) + 1)


def find_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    """Every place-name mention in text, sorted by start, with candidates and cues.

    Metonymic uses of seats of power are returned flagged (metonymic=True); relative locations
    ("8 km au nord de Kourakhové") are returned as extra mentions with `relative` set.
    """
    cues = load_cues()
    hits = _raw_hits(text, gaz)
    if not hits:
        return []
    norm = normalise(text)
    ends = {e for _, e, _ in hits}
    mentions: list[Mention] = []
    for s, e, key in hits:
        if _person_name(text, s, e, cues, ends):
            continue
        mentions.append(Mention(text[s:e], s, e, key, gaz.names.get(key, ()), s, e))
    for m in mentions:
        _attach_cues(m, text, norm, cues)
    _coordinated_regions(mentions, text, norm, cues)
    for a, b in zip(mentions, mentions[1:]):
        gap = text[a.end : b.start]
        if len(gap) <= 90 and not re.search(r"[.;!?\n]", gap) and cues.near.match(norm[a.end : b.start]):
            a.near_start = b.start
    _metonymy(mentions, text, norm, cues)
    mentions.extend(_relatives(mentions, text, norm, cues))
    mentions.sort(key=lambda m: (m.start, -m.end))
    return mentions


def _set_span(m: Mention, text: str, start: int, end: int) -> None:
    m.start, m.end = start, end
    m.surface = text[start:end]


def _attach_cues(m: Mention, text: str, norm: str, cues: Cues) -> None:
    before = norm[max(0, m.name_start - _WINDOW) : m.name_start]
    after = norm[m.name_end : m.name_end + _WINDOW]
    r = cues.region_before.search(before)
    if r:
        m.kind_cue = "region"
        adj = r.group("adj").split()
        for a in adj:
            m.country_cue = cues.adjective_country.get(a) or m.country_cue
        word = " ".join(r.group("word").split())
        if word in cues.plural_words:
            m.plural_region = True
        else:
            _set_span(m, text, m.name_start - len(before) + r.start("cue"), m.end)
        return
    r = cues.region_after.search(after)
    if r:
        m.kind_cue = "region"
        word = " ".join(r.group("word").split())
        if word in cues.plural_words:
            m.plural_region = True
        else:
            _set_span(m, text, m.start, m.name_end + r.end("cue"))
        return
    for pattern, side in ((cues.kind_before, "before"), (cues.kind_after, "after")):
        r = pattern.search(before if side == "before" else after)
        if not r:
            continue
        phrase = " ".join(r.group("cue").split())
        info = cues.kind_info.get(phrase) or cues.kind_info.get(phrase.rsplit(" ", 1)[0])
        if info is None:
            continue
        kind, codes, extend, hint = info
        m.kind_cue, m.codes, m.hint = kind, codes, hint
        if extend and side == "before":
            _set_span(m, text, m.name_start - len(before) + r.start("cue"), m.end)
        elif extend:
            _set_span(m, text, m.start, m.name_end + r.end("cue"))
        return


_GAP_COORD = re.compile(r"^\s*(?:,\s*)?(?:(?:and|et|ou|or)\s+)?(?:(?:de\s+|d['’]|the\s+))?$")


def _coordinated_regions(mentions: list[Mention], text: str, norm: str, cues: Cues) -> None:
    """'the Kharkiv, Sumy and Odesa regions' / 'les régions de Koursk et de Belgorod': a plural region
    word reaches every name coordinated with the one it touches."""
    for i, m in enumerate(mentions):
        if not m.plural_region:
            continue
        # The plural word follows this name: spread backwards; precedes it: spread forwards.
        for step in (-1, 1):
            j = i
            while 0 <= j + step < len(mentions):
                a, b = (mentions[j + step], mentions[j]) if step < 0 else (mentions[j], mentions[j + step])
                if not _GAP_COORD.match(text[a.end : b.start].lower()) or mentions[j + step].kind_cue:
                    break
                mentions[j + step].kind_cue = "region"
                mentions[j + step].country_cue = m.country_cue
                j += step


_TOKEN = re.compile(r"\w+")
_COORD_SEATS = re.compile(r"\s*(?:,|et|and|ou|or|ni|nor)\s*(?:(?:de|d|of)\s*)?")


def _metonymy(mentions: list[Mention], text: str, norm: str, cues: Cues) -> None:
    """Seats of power used as actors: 'selon Moscou', 'Kiev a démenti', 'Moscow's claim'."""
    verdict: dict[int, str] = {}
    for i, m in enumerate(mentions):
        if m.key not in cues.seats or m.kind_cue in ("region", "feature"):
            continue
        if m.kind_cue == "settlement":
            verdict[i] = "location"
            continue
        before = " ".join(norm[max(0, m.start - 40) : m.start].split())
        found = None
        for n in range(4, 0, -1):  # the longest phrase ending right before the name decides
            words = before.split()[-n:]
            if len(words) == n and " ".join(words) in cues.meto_before:
                found = cues.meto_before[" ".join(words)]
                break
        if found:
            verdict[i] = found
            continue
        tail = norm[m.end : m.end + 60]
        tail = re.split(r"[.;:!?\n«»“”\"]", tail, maxsplit=1)[0]
        for tok in _TOKEN.findall(tail)[:5]:
            if tok in cues.meto_after:
                verdict[i] = "actor"
                break
            if tok not in cues.meto_skip:
                break
    # Coordinated seats share the verdict: 'presse Moscou et Kiev', 'by Washington and Kyiv'.
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        gap = norm[a.end : b.start]
        if _COORD_SEATS.fullmatch(gap) and "." not in text[a.end : b.start]:
            va, vb = verdict.get(i), verdict.get(i + 1)
            if va == "actor" and b.key in cues.seats and vb != "location":
                verdict[i + 1] = "actor"
            elif vb == "actor" and a.key in cues.seats and va != "location":
                verdict[i] = "actor"
    for i, v in verdict.items():
        mentions[i].metonymic = v == "actor"


def _relatives(mentions: list[Mention], text: str, norm: str, cues: Cues) -> list[Mention]:
    out = []
    for m in mentions:
        before = norm[max(0, m.name_start - _WINDOW) : m.name_start]
        r = cues.relative.search(before)
        if not r:
            continue
        km = _km(r.group("num"), cues)
        bearing = cues.directions[" ".join(r.group("dir").split())]
        start = m.name_start - len(before) + r.start("num")
        out.append(
            Mention(text[start : m.end], start, m.end, "", (), m.name_start, m.name_end,
                    relative=Relative(km, bearing, m.start))
        )
    for r in cues.anaphor.finditer(norm):
        ana = " ".join(r.group("ana").split())
        kind = "feature" if ana.endswith(("plant", "station", "centrale")) else "settlement"
        previous = [m for m in mentions if m.end <= r.start("num") and not m.metonymic and not m.relative]
        if not previous:
            continue
        start, end = r.start("num"), r.end("ana")
        out.append(
            Mention(text[start:end], start, end, "", (), r.start("ana"), end,
                    relative=Relative(_km(r.group("num"), cues), cues.directions[" ".join(r.group("dir").split())],
                                      -1, anchor_kind=kind))
        )
    return out


def _km(num: str, cues: Cues) -> float:
    num = " ".join(num.split())
    return cues.numerals[num] if num in cues.numerals else float(num.replace(",", "."))
