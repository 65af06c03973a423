"""Find place-name mentions in text: spans, gazetteer candidates and the cue words around them.

One Aho–Corasick automaton over every folded name key of the gazetteer (built once per Gazetteer) scans
the folded text; an offset map leads each hit back to the original text. A hit is kept when it sits on
word boundaries (a lower→upper case change counts, for the glued headlines of syndicated text), starts
with a capital letter, and is the longest hit over its span; words in capitals ("KHARKIV") are title-cased and
scanned apart, with guards against acronyms and shouting (_caps_hits). The cue words around a kept hit (region
words, kind cues, relative-location phrases, metonymy verbs) come from data files in geo/cues/ and are
matched on a 1:1 normalised copy of the text (same length, so offsets carry over).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from geo.gazetteer import Gazetteer, cached, file_digest
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
    approx: bool = False  # a vague or hedged distance ("une dizaine de", "about 35 km"): km is a round figure


@dataclass(slots=True)
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
    person: bool = False  # part of a person's or an organisation's name ("Vyacheslav Gladkov"): not a place


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


class _Table(dict):
    """A str.translate table filled on first sight of each character: no per-call table building."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.special: set[str] = set()  # characters that map to no character or to several
        self.pattern, self.compiled_for = re.compile("(?!)"), 0  # a character class of `special`

    def __missing__(self, code: int) -> str:
        out = self[code] = self.fn(chr(code))
        if len(out) != 1:
            self.special.add(chr(code))
        return out


def cased_char(c: str) -> str:
    """fold_char that keeps a capital a capital (É → E): the automaton's keys start with a capital, so a
    name can only match where a capitalised word starts, never inside a word ("ivka" in "-ivka")."""
    f = fold_char(c)
    return f.upper() if c.isupper() else f


_NORM_TABLE = _Table(norm_char)
_FOLD_TABLE = _Table(fold_char)
_CASED_TABLE = _Table(cased_char)
# Lower-case words inside multi-word names ("Rostov-on-Don", "Rostov-sur-le-Don", "Bourg-en-Bresse").
_PARTICLES = frozenset("on upon sur le la les de du des en na nad pid am an der die das del di da do of the "
                       "and et i y e bei im in".split())


def normalise(s: str) -> str:
    """Same length as s: lower case, no diacritics, apostrophes and dashes as spaces."""
    return s.translate(_NORM_TABLE)


class _JointTable(dict):
    """One str.translate table for both foldings of a text (the cased one the automaton reads, and
    normalise()): a character is mapped to its cased fold when that fold lower-cases to its normalised
    form, else to a private-use placeholder that each folding then replaces with its own string."""

    def __init__(self):
        super().__init__()
        self.special: dict[str, str] = {}  # character → its placeholder
        self.pattern, self.compiled_for = re.compile("(?!)"), 0

    def __missing__(self, code: int) -> str:
        c = chr(code)
        cased = _CASED_TABLE[code]  # (also records c as special in the cased table when it is)
        # "Σ" lower-cases by context (final sigma); private-use characters are kept for the placeholders.
        if len(cased) == 1 and cased != "Σ" and not 0xE000 <= code <= 0xF8FF and cased.lower() == _NORM_TABLE[code]:
            out = cased
        elif len(self.special) < 0x1900:
            out = self.special[c] = chr(0xE000 + len(self.special))
        else:
            raise _TooManySpecials
        self[code] = out
        return out


class _TooManySpecials(Exception):
    pass


_JOINT_TABLE = _JointTable()


def fold_for_matching(text: str) -> tuple[str, str]:
    """(text.translate(_CASED_TABLE), normalise(text)) with one pass of str.translate over the text
    instead of two; the few characters that fold apart (apostrophes, ligatures) are put back with
    str.replace."""
    try:
        joint = text.translate(_JOINT_TABLE)
    except _TooManySpecials:
        return text.translate(_CASED_TABLE), normalise(text)
    table = _JOINT_TABLE
    if not table.special:
        return joint, joint.lower()
    if len(table.special) != table.compiled_for:
        table.pattern = re.compile("[" + re.escape("".join(table.special)) + "]")
        table.compiled_for = len(table.special)
    present = set(table.pattern.findall(text))
    if any(0xE000 <= ord(c) <= 0xF8FF for c in present):
        # The text holds private-use characters (icon fonts): one restored by one replace could equal the
        # placeholder another replace looks for next, so each folding is put back in one pass instead.
        cased_of = {table.special[c]: _CASED_TABLE[ord(c)] for c in present}
        norm_of = {table.special[c]: _NORM_TABLE[ord(c)] for c in present}
        slots = re.compile("[" + re.escape("".join(cased_of)) + "]")
        return slots.sub(lambda m: cased_of[m.group()], joint), slots.sub(lambda m: norm_of[m.group()], joint.lower())
    cased, norm = joint, joint.lower()
    for c in present:
        placeholder, code = table.special[c], ord(c)
        cased = cased.replace(placeholder, _CASED_TABLE[code])
        norm = norm.replace(placeholder, _NORM_TABLE[code])
    return cased, norm


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
    near_last: frozenset[str]  # last words of its phrases ("near", "of"): the gap must end with one
    anaphor: re.Pattern
    numerals: dict  # vague amount ("une dizaine de") → value in units
    numbers: dict  # number word ("huit", "twenty") → value
    unit_km: dict  # unit ("miles") → kilometres per unit
    directions: dict
    cue_words: frozenset[str]  # words of region and kind cues ("Oblast", "River"): not a person's name
    first_names: frozenset[str]  # folded first names: "Vyacheslav Gladkov" is a person
    role_before: re.Pattern  # "governor Gladkov", matched on the normalised text before a name
    role_after: re.Pattern  # "Gladkov, the governor of", after a name
    org_after: re.Pattern  # "the Luch design bureau": a name of an organisation or unit
    vicinity: re.Pattern  # "near Bakhmut", "aux portes de Kherson": the phrase before a name
    last_before: frozenset[str]  # last words of every cue that precedes a name: no such word, no regex run
    gate_kind: frozenset[str]  # ... of the kind cues before a name ("centrale de", "ville de")
    gate_vicinity: frozenset[str]  # ... of the "near" phrases
    gate_role: frozenset[str]  # ... of the role words ("governor")
    first_after: frozenset[str]  # first words of every cue that follows a name
    org_first: frozenset[str]  # first words of the organisation nouns
    part_words: frozenset[str]  # "district", "quartier": "X district of Y" puts X inside Y
    units: tuple[str, ...]  # distance units ("km"): a text without one has no relative location
    region_firsts: tuple[str, ...]  # first words of the region words before a name: none there, no regex run
    caps_words: frozenset[str]  # folded words never a place when written in capitals ("NATO", "SBU")
    place_words: frozenset[str]  # words before a name that make it a place ("in", "près"): place_prepositions.txt


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
    def phrase(r):
        return " ".join(normalise(r[2]).split())

    numerals = {phrase(r): float(r[3]) for r in rel if r[0] == "numeral"}
    numbers = {phrase(r): float(r[3]) for r in rel if r[0] == "number"}
    directions = {phrase(r): float(r[3]) for r in rel if r[0] == "direction"}
    unit_km = {phrase(r): float(r[3]) if len(r) > 3 and r[3].strip() else 1.0 for r in rel if r[0] == "unit"}
    units = _phrase_re(unit_km)
    connectors = _phrase_re(r[2] for r in rel if r[0] == "connector")
    hedges = _phrase_re(r[2] for r in rel if r[0] == "hedge")
    # A number: digits, a vague amount ("une dizaine de"), or number words ("vingt et un", "twenty-five");
    # "a" only right before its unit ("a mile"): French "à" folds to "a" too. A hedge before it ("about",
    # "environ") marks the distance approximate; so does a vague amount.
    nw = _phrase_re(numbers)
    num_re = (rf"(?:(?P<hedge>{hedges})\s+)?(?P<num>\d+(?:[.,]\d+)?|(?P<vague>{_phrase_re(numerals)})|"
              rf"(?:{nw})(?:\s+(?:(?:et|and)\s+)?(?:{nw})){{0,3}}|a(?=\s+(?:{units})\s))")
    dir_re = _phrase_re(directions)
    # "8 miles (13 km) south of": a conversion in brackets after the unit.
    core = (rf"{num_re}\s*(?P<unit>{units})(?:\s*\([^()]{{0,30}}\))?\s+(?:(?:{connectors})\s+)?"
            rf"(?P<dir>{dir_re})\s+(?:{connectors})\s+")
    relative = re.compile(rf"(?:^|[^\w.,]){core}(?:the\s+)?$")
    # The anaphor alone ("the plant"), found first; the relative pattern is then tried just before it.
    # (Factored, behind a look-ahead on the first letters: the same matches, a quarter faster over a text.)
    anaphor = re.compile(
        r"(?=[tlc])\b(?P<ana>the\s+(?:plant|station|city|town|village)|"
        r"la\s+(?:centrale|ville|localite)|ce\s+village)\b"
    )
    near_phrases = [r[2] for r in rel if r[0] == "near"] + [
        f"{d} {c}" for d in directions for c in ("of", "de", "d", "du")]
    near_words = _phrase_re(near_phrases)
    near = re.compile(rf"^\s*,?[^.;:!?\n]{{0,60}}?\b(?:{near_words})\s*$")
    vicinity_words = _phrase_re(r[2] for r in rel if r[0] == "near")
    roles = _rows("person_roles.tsv")
    role_before = _phrase_re(r[2] for r in roles if r[1] == "before")
    role_after = _phrase_re(r[2] for r in roles if r[1] == "after")
    orgs = _phrase_re(r[1] for r in _rows("not_place_after.tsv"))
    phrases_before = (
        [r[2] for r in region if r[1] == "before"] + [r[2] for r in kinds if r[1] == "before"]
        + [r[2] for r in rel if r[0] in ("near", "connector")] + [r[2] for r in roles if r[1] == "before"]
    )
    last_before = {normalise(p).split()[-1] for p in phrases_before if normalise(p).split()}
    last_before |= {"de", "d", "du", "of", "the"}
    phrases_after = [r[2] for r in region if r[1] == "after"] + [r[2] for r in kinds if r[1] == "after"]
    first_after = {normalise(p).split()[0] for p in phrases_after if normalise(p).split()}
    def lasts(phrases):
        return frozenset(normalise(p).split()[-1] for p in phrases if normalise(p).split())

    return Cues(
        last_before=frozenset(last_before),
        gate_kind=lasts(r[2] for r in kinds if r[1] == "before") | {"d"},
        gate_vicinity=lasts(r[2] for r in rel if r[0] == "near"),
        gate_role=lasts(r[2] for r in roles if r[1] == "before"),
        first_after=frozenset(first_after),
        part_words=frozenset(normalise(r[2]).strip() for r in rel if r[0] == "part"),
        org_first=frozenset(normalise(r[1]).split()[0] for r in _rows("not_place_after.tsv")),
        units=_shortest(unit_km),
        region_firsts=_shortest(_first(r[2]) for r in region if r[1] == "before" and r[2].strip()),
        stop=words("stop_names.txt"),
        caps_words=words("caps_words.txt"),
        place_words=words("place_prepositions.txt"),
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
        near_last=frozenset(normalise(p).split()[-1] for p in near_phrases if normalise(p).split()),
        anaphor=anaphor,
        numerals=numerals,
        numbers=numbers,
        unit_km=unit_km,
        directions=directions,
        cue_words=frozenset(w for r in region + kinds for w in fold(r[2]).split()),
        first_names=frozenset(fold(r[0]) for r in _rows("first_names.txt")),
        role_before=re.compile(rf"(?:^|[^\w])(?P<role>{role_before})\s+$"),
        role_after=re.compile(rf"^\s*,\s*(?:\w+\s+){{0,3}}?(?:{role_after})\b"),
        org_after=re.compile(rf"^\s+(?:{orgs})\b"),
        vicinity=re.compile(rf"(?:^|[^\w])(?P<cue>(?:{vicinity_words})\s+)$"),
    )


def _first(phrase: str) -> str:
    """The first word of a normalised phrase ("" for none: a substring of any text)."""
    return (normalise(phrase).split() or [""])[0]


def _shortest(words) -> tuple[str, ...]:
    """The words none of the others is a substring of: enough for a substring test ("kilometres" contains
    "kilometre", "regions" contains "region")."""
    words = set(words)
    return tuple(sorted(w for w in words if not any(v != w and v in w for v in words)))


# ---------------------------------------------------------------- automaton and folding


_AUTOMATON_FORMAT = 2  # bump when the automaton's words or values change meaning (its cache key)


class _Names:
    """The name automaton and how to read its values: a value v >= 0 is the index of the key in `keys` (the
    matched spelling has the key's length); v < 0 indexes `odd`, (key, span) for the few spellings whose
    capitals change their length. Plain ints, not (key, span) tuples: the automaton builds and unpickles
    faster and weighs less."""

    __slots__ = ("automaton", "keys", "odd")

    def __init__(self, automaton, keys: list[str], odd: list[tuple[str, int]]):
        self.automaton, self.keys, self.odd = automaton, keys, odd


def _automaton(gaz: Gazetteer) -> _Names:
    """The gazetteer's name automaton, built on first use and kept on the Gazetteer object; for the shipped
    gazetteer (gaz.digest set) also kept in the cache folder across processes (geo.gazetteer.cached)."""
    names = getattr(gaz, "_name_automaton", None)
    if names is None:
        cues = load_cues()
        excluded = cues.stop | cues.common
        if getattr(gaz, "digest", ""):
            key = "\n".join([gaz.digest, str(_AUTOMATON_FORMAT), str(_MIN_KEY), ahocorasick_version(),
                              " ".join(sorted(_PARTICLES)), *sorted(excluded)])
            auto, odd = cached("names-automaton", file_digest((), key), lambda: _build_automaton(gaz.names, excluded))
        else:
            auto, odd = _build_automaton(gaz.names, excluded)
        names = _Names(auto, list(gaz.names), odd)
        object.__setattr__(gaz, "_name_automaton", names)
    return names


def ahocorasick_version() -> str:
    try:
        from importlib.metadata import version

        return version("pyahocorasick")
    except ImportError:  # (importlib.metadata.PackageNotFoundError is one)
        return getattr(ahocorasick, "__version__", "?")


def _build_automaton(names, excluded: frozenset[str]):
    """(automaton, odd) over every key but short ones, excluded words and keys not starting with a letter,
    each under its _cased_keys spellings, added in key order (a spelling two keys share keeps the later)."""
    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    add = auto.add_word
    odd: list[tuple[str, int]] = []
    # One pass, inlined: a function call per key costs as much as the rest of the loop.
    for i, key in enumerate(names):
        if len(key) < _MIN_KEY or key in excluded or not key[0].isalpha():
            continue  # (a name must start with a capital letter: "3 e viddilennia" never matches)
        if " " in key:
            variants = _cased_keys(key)
        else:
            variants = (key[0].upper() + key[1:],)
        for v in variants:
            if len(v) == len(key):
                add(v, i)
            else:
                odd.append((key, len(v) - 1))
                add(v, -len(odd))
    auto.make_automaton()
    return auto, odd


def _cased_keys(key: str) -> list[str]:
    """The automaton's spellings of a folded key: capitalised, and for a multi-word name also at every word
    ("Niu York", "Chasiv Yar") or every word but particles ("Rostov on Don")."""
    words = key.split(" ")
    out = [key[:1].upper() + key[1:]]
    if len(words) > 1:
        every = " ".join([w[:1].upper() + w[1:] for w in words])
        if every not in out:
            out.append(every)
        if not _PARTICLES.isdisjoint(words[1:]):  # else it is the every-word spelling
            most = " ".join([w if i and w in _PARTICLES else w[:1].upper() + w[1:] for i, w in enumerate(words)])
            if most not in out:
                out.append(most)
    return out


def fold_with_offsets(text: str, table: _Table = _FOLD_TABLE) -> tuple[str, list[int] | None]:
    """The text folded per character, and for each folded character the index of its source character
    (None when folding kept every character in place)."""
    folded = text.translate(table)
    if table.special.isdisjoint(text):  # every character folded to one: offsets unchanged
        return folded, None
    special = [c for c in table.special if c in text]
    offsets: list[int] = []
    pos = 0
    for m in re.finditer("[" + re.escape("".join(special)) + "]", text):
        offsets.extend(range(pos, m.start()))
        offsets.extend([m.start()] * len(table[ord(m.group())]))
        pos = m.end()
    offsets.extend(range(pos, len(text)))
    return folded, offsets


# ---------------------------------------------------------------- recognition


class _OffsetMap:
    """Folded index → source index, from the positions of the characters whose fold is not one character
    (capitals, apostrophes): a bisect per lookup instead of a list as long as the text."""

    __slots__ = ("src", "fstart", "flen", "shift")

    def __init__(self, text: str, table: _Table):
        if len(table.special) != table.compiled_for:
            table.pattern = re.compile("[" + re.escape("".join(sorted(table.special))) + "]")
            table.compiled_for = len(table.special)
        self.src, self.fstart, self.flen, self.shift = [], [], [], []
        cum = 0  # folded length minus source length, so far
        for m in table.pattern.finditer(text):
            p = m.start()
            n = len(table[ord(text[p])])
            self.src.append(p)
            self.fstart.append(p + cum)
            self.flen.append(n)
            cum += n - 1
            self.shift.append(cum)

    def __getitem__(self, f: int) -> int:
        i = bisect.bisect_right(self.fstart, f) - 1
        if i < 0:
            return f
        if f < self.fstart[i] + self.flen[i]:
            return self.src[i]
        return f - self.shift[i]


def _key_hits(names: _Names, folded: str) -> Iterator[tuple[int, int, str]]:
    """(start, last, key) of every automaton hit, as offsets in the folded text (see _Names for the values)."""
    keys, odd = names.keys, names.odd
    for end_f, v in names.automaton.iter(folded):
        if v >= 0:
            key = keys[v]
            yield end_f - len(key) + 1, end_f, key
        else:
            key, span = odd[-v - 1]
            yield end_f - span, end_f, key


def raw_hits(text: str, gaz: Gazetteer, folded: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, key) of every name hit; `folded`: text.translate(_CASED_TABLE), when the caller has it."""
    if folded is None:
        folded = text.translate(_CASED_TABLE)
    offsets = None if _CASED_TABLE.special.isdisjoint(text) else _OffsetMap(text, _CASED_TABLE)
    if offsets is not None:  # the map's lists as locals: a bisect inline costs less than a method call
        src, fstart, flen, shift = offsets.src, offsets.fstart, offsets.flen, offsets.shift
    hits = []
    n = len(text)
    # Keys start with the capital mark, so every hit starts on a capital letter; check the word boundaries.
    names = _automaton(gaz)
    bisect_right = bisect.bisect_right
    for start_f, end_f, key in _key_hits(names, folded):
        if offsets is None:
            s, e = start_f, end_f + 1
        else:  # _OffsetMap.__getitem__, twice
            i = bisect_right(fstart, start_f) - 1
            s = start_f if i < 0 else src[i] if start_f < fstart[i] + flen[i] else start_f - shift[i]
            i = bisect_right(fstart, end_f) - 1
            e = 1 + (end_f if i < 0 else src[i] if end_f < fstart[i] + flen[i] else end_f - shift[i])
        if s:
            p = text[s - 1]
            if p.isalnum() and not p.islower():
                continue
        if e < n:
            q = text[e]
            if q.isalnum() and not (q.isupper() and text[e - 1].islower()):
                continue
        if e - s <= 4 and text[s:e].isupper():  # acronyms: SBU, ONU, PAM
            continue
        hits.append((s - e, s, len(hits), e, key))
    hits.extend((s - e, s, len(hits) + i, e, key) for i, (s, e, key) in enumerate(_caps_hits(text, gaz, names)))
    # Longest match wins, then the leftmost (then the first found: the running index keeps the sort stable).
    hits.sort()
    covered = bytearray(n)
    taken: list[tuple[int, int, str]] = []
    for _, s, _, e, key in hits:
        if covered.find(1, s, e) < 0:
            covered[s:e] = b"\x01" * (e - s)
            taken.append((s, e, key))
    taken.sort()
    return taken


# An all-capitals word of Latin letters (headlines, agency copy: "KHARKIV", "KOUPIANSK", "ROSTOV-SUR-LE-DON"):
# the automaton's spellings start with one capital, so such words are title-cased and scanned apart.
_CAPS_LETTERS = "A-ZÀ-ÖØ-ÞĀ-ſ"  # (Latin Extended-A mixes cases: each word is checked with isupper())
_CAPS_WORD = re.compile(f"[A-ZÀ-ÖØ-Þ][{_CAPS_LETTERS}]+")  # (a Latin-1 capital first: twice as fast a scan)
_CAPS_GAP = re.compile(r"[ '’-]")  # what joins the words of one name ("NOVA KAKHOVKA", "D'IZMAÏLIVKA")
_SHOUTING_WORDS = 5  # this many capitals words in a row: a shouting line, where any word may be a name
_CAPS_SHORT = 4  # a name this short in capitals is an acronym unless it is a big city, a region or a feature
_IN_SCOPE = frozenset(("UA", "RU", "BY", "MD"))


def _caps_runs(text: str) -> list[tuple[int, int, int]]:
    """(start, end, words) of each run of all-capitals words joined by spaces, dashes or apostrophes."""
    runs: list[list[int]] = []
    n = len(text)
    for m in _CAPS_WORD.finditer(text):
        s, e = m.span()
        if (s and text[s - 1].isalpha()) or (e < n and text[e].isalpha()) or not m.group().isupper():
            continue  # inside a mixed-case word ("McDONALD", "FIlatova") or not all capitals
        if runs and s - runs[-1][1] == 1 and _CAPS_GAP.match(text, runs[-1][1]):
            runs[-1][1] = e
            runs[-1][2] += 1
        else:
            runs.append([s, e, 1])
    return [tuple(r) for r in runs]


def _title(word: re.Match) -> str:
    w = word.group()
    return w[0] + "".join(c.lower() if len(c.lower()) == 1 else c for c in w[1:])


def _caps_hits(text: str, gaz: Gazetteer, names: _Names) -> list[tuple[int, int, str]]:
    """(start, end, key) of names written in capitals. Each run of capitals words is title-cased ("KHARKIV" →
    "Kharkiv": same length) and scanned with the automaton. A hit must fill whole words and is refused when
    it is a word of geo/cues/caps_words.txt ("NATO", "SBU"), a name the gazetteer flags as a common word or
    surname (its needs_context: "MIR", "NOVA", "LYMAN") unless a place preposition precedes it outside a
    shouting line ("combats près de LYMAN"; geo.resolve then weighs it like any such name), or a short
    word (≤ 4 letters: "NIS", "AZOV" the regiment) unless a big city of the war's countries, a region or a
    feature bears it ("KYIV", "SUMY", "ZNPP"). In a shouting line (5+ capitals words in a row) every word
    looks like a name ("SITUÉ" is an alternate name of Sittwe): there a name must be one of a place of the
    war's countries, a capital or a city of a million."""
    cues = load_cues()
    needs_context = getattr(gaz, "needs_context", frozenset())
    out = []
    n = len(text)
    for a, b, count in _caps_runs(text):
        seg = _TOKEN.sub(_title, text[a:b])
        folded = seg.translate(_CASED_TABLE)
        offsets = None if _CASED_TABLE.special.isdisjoint(seg) else _OffsetMap(seg, _CASED_TABLE)
        for start_f, end_f, key in _key_hits(names, folded):
            s = a + (start_f if offsets is None else offsets[start_f])
            e = a + 1 + (end_f if offsets is None else offsets[end_f])
            if (s and text[s - 1].isalnum()) or (e < n and text[e].isalnum()):
                continue
            if key in cues.caps_words:
                continue
            if key in needs_context and (count >= _SHOUTING_WORDS or _last_word(
                    normalise(text[max(0, s - 20) : s])) not in cues.place_words):
                continue  # "MIR", "NOVA": only "près de LYMAN" (and geo.resolve still asks for context)
            places = [gaz.places[i] for i in gaz.names.get(key, ()) if i in gaz.places]
            if sum(c.isalpha() for c in text[s:e]) <= _CAPS_SHORT and not any(
                    p.country in _IN_SCOPE and (p.kind != "settlement" or p.population >= 100_000) for p in places):
                continue
            if count >= _SHOUTING_WORDS and not any(p.country in _IN_SCOPE or p.feature_code == "PPLC"
                                                    or p.population >= 1_000_000 for p in places):
                continue
            out.append((s, e, key))
    return out


_PUNCT = "\"'()[]{}«»“”‘’,;:.!?-–—/*"  # stripped from the words next to a name
_PREV_WORD = re.compile(r"([\w]+) $")
_NEXT_WORD = re.compile(r" (\w+)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;»”\"\n⇒]\s*|[a-zà-ÿ])\w$")


def _person_name(text: str, norm: str, s: int, e: int, cues: Cues, ends: set[int]) -> bool:
    """'Oleksandr Lyman', 'Vladimir Poutine', 'governor Gladkov', 'the Luch design bureau': a place name
    that is part of a person's or an organisation's name. Cheap character tests come first: most names
    follow a lower-case word and precede punctuation or a lower-case word."""
    after = norm[e : e + 40]
    if after[:1].isspace() and _first_word(after) in cues.org_first and cues.org_after.match(after):
        return True
    # Words are compared in their normalised form, read off `norm` at the same offsets (no fold() per word).
    if text[e : e + 1] == " " and text[e + 1 : e + 2].isupper():
        n = _NEXT_WORD.match(text, e)
        if n:
            w = n.group(1)
            f = norm[n.start(1) : n.end(1)]
            if w[0].isupper() and f not in cues.common and f not in cues.cue_words and (
                    not w.isupper() or norm[s:e] in cues.first_names):
                # Two names in a row with no comma ("Vladimir Rogov", "VLADIMIR POUTINE") are a person's.
                return True
    if s < 2 or text[s - 1] != " " or not text[s - 2].isalnum():
        return False
    if _last_word(norm[max(0, s - 20) : s]) in cues.gate_role:
        r = cues.role_before.search(norm, max(0, s - 30), s)
        if r and text[r.end("role") : s].isspace():  # "governor Gladkov", not "the governor. Gladkov"
            return True
    words = text[max(0, s - 32) : s - 1].rsplit(None, 1)
    if not words or not words[-1].lstrip(_PUNCT)[:1].isupper():  # the word before is not capitalised
        return False
    m = _PREV_WORD.search(text, max(0, s - 30), s)
    if not m:
        return False
    w = m.group(1)
    f = norm[m.start(1) : m.end(1)]
    if not w[0].isupper() or f in cues.common or f in cues.cue_words:
        return False
    if w.isupper():  # capitals: only a first name says person ("IHOR TEREKHOV"), not "KYIV POKROVSK"
        return f in cues.first_names
    if m.end(1) in ends or f in cues.first_names:  # "Vladimir Rogov", "Vyacheslav Gladkov"
        return True
    if cues.role_after.match(after):  # "Gladkov, the governor of …" after a capitalised word
        return True
    # A capitalised word that opens a sentence says nothing ("Neither Moscow…").
    return not _SENTENCE_START.search(text, max(0, m.start(1) - 4), m.start(1) + 1)


def find_mentions(text: str, gaz: Gazetteer, norm: str | None = None, folded: str | None = None) -> list[Mention]:
    """Every place-name mention in text, sorted by start, with candidates and cues.

    Metonymic uses of seats of power are returned flagged (metonymic=True), parts of persons' and
    organisations' names flagged person=True; relative locations ("8 km au nord de Kourakhové", "near
    Bakhmut") are returned as extra mentions with `relative` set. `norm` is normalise(text) and `folded`
    the automaton's folding of it, when the caller has them already (see fold_for_matching).
    """
    cues = load_cues()
    hits = raw_hits(text, gaz, folded)
    if not hits:
        return []
    norm = norm if norm is not None else normalise(text)
    ends = {e for _, e, _ in hits}
    mentions: list[Mention] = []
    persons: list[Mention] = []
    for s, e, key in hits:
        m = Mention(text[s:e], s, e, key, gaz.names.get(key, ()), s, e)
        if _person_name(text, norm, s, e, cues, ends):
            m.person = True
            persons.append(m)
        else:
            mentions.append(m)
    lasts = [_attach_cues(m, text, norm, cues) for m in mentions]
    _coordinated_regions(mentions, text, norm, cues)
    for a, b in zip(mentions, mentions[1:]):
        gap = b.start - a.end
        if gap <= 90 and _last_word(norm[a.end : b.start]) in cues.near_last and not _HARD_STOP.search(
                text, a.end, b.start) and cues.near.match(norm[a.end : b.start]):
            a.near_start = b.start
        elif gap <= 20 and _part_of(norm, a, b, cues):
            a.near_start = b.start  # "the Kyivskyi district of Kharkiv": a part of the next place
    _metonymy(mentions, text, norm, cues)
    extra = _relatives(mentions, text, norm, cues, lasts)
    mentions.extend(extra)
    mentions.extend(persons)
    mentions.sort(key=lambda m: (m.start, -m.end))
    return mentions


def _part_of(norm: str, a: Mention, b: Mention, cues: Cues) -> bool:
    words = (norm[a.start : a.end] + " " + norm[a.end : b.start]).split()
    return len(words) >= 2 and words[-1] in _REGION_LINKS and words[-2] in cues.part_words


_HARD_STOP = re.compile(r"[.;!?\n]")


def _set_span(m: Mention, text: str, start: int, end: int) -> None:
    m.start, m.end = start, end
    m.surface = text[start:end]


def _last_word(s: str) -> str:
    """The last word of s (normalised text), punctuation stripped."""
    words = s[-24:].rsplit(None, 1)
    return words[-1].strip(_PUNCT) if words else ""


def _first_word(s: str) -> str:
    words = s[:24].split(None, 1)
    return words[0].strip(_PUNCT) if words else ""


_REGION_LINKS = frozenset(("de", "d", "du", "of"))  # the last word of every "région de" / "oblast of"


def _attach_cues(m: Mention, text: str, norm: str, cues: Cues) -> str:
    """Set the mention's kind and country cues (and widen its span over a region word); return the word
    just before the name (for _relatives)."""
    before = norm[max(0, m.name_start - _WINDOW) : m.name_start]
    after = norm[m.name_end : m.name_end + _WINDOW]
    # Every cue before a name ends with a space and every cue after it starts with one (the patterns'
    # \s+): a name glued to a bracket or a quote has none.
    last = _last_word(before) if before[-1:].isspace() else ""
    if last not in cues.last_before:
        before = ""  # no cue can end here: skip the before-patterns
    r = cues.region_before.search(before) if before and last in _REGION_LINKS and any(
        w in before for w in cues.region_firsts) else None
    if not after[:1].isspace() or _first_word(after) not in cues.first_after:
        after = ""  # likewise for the after-patterns
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
        return last
    r = cues.region_after.search(after) if after else None
    if r:
        m.kind_cue = "region"
        word = " ".join(r.group("word").split())
        if word in cues.plural_words:
            m.plural_region = True
        else:
            _set_span(m, text, m.start, m.name_end + r.end("cue"))
        return last
    for pattern, side in ((cues.kind_before, "before"), (cues.kind_after, "after")):
        if not (before if side == "before" else after) or (side == "before" and last not in cues.gate_kind):
            continue
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
        return last
    return last


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
_CLAUSE_END = re.compile(r"[.;:!?\n«»“”\"]")
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
        before = norm[max(0, m.start - 40) : m.start].split()
        found = None
        for n in range(min(4, len(before)), 0, -1):  # the longest phrase ending right before the name decides
            found = cues.meto_before.get(" ".join(before[-n:]))
            if found:
                break
        if found:
            verdict[i] = found
            continue
        tail = norm[m.end : m.end + 60]
        tail = _CLAUSE_END.split(tail, maxsplit=1)[0]
        for tok in _TOKEN.findall(tail)[:5]:
            if tok in cues.meto_after:
                verdict[i] = "actor"
                break
            if tok not in cues.meto_skip:
                break
    # Coordinated seats share the verdict: 'presse Moscou et Kiev', 'by Washington and Kyiv'.
    if not verdict:
        return
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        if (i not in verdict and i + 1 not in verdict) or (a.key not in cues.seats and b.key not in cues.seats):
            continue
        gap = norm[a.end : b.start]
        if _COORD_SEATS.fullmatch(gap) and "." not in text[a.end : b.start]:
            va, vb = verdict.get(i), verdict.get(i + 1)
            if va == "actor" and b.key in cues.seats and vb != "location":
                verdict[i + 1] = "actor"
            elif vb == "actor" and a.key in cues.seats and va != "location":
                verdict[i] = "actor"
    for i, v in verdict.items():
        mentions[i].metonymic = v == "actor"


def _relatives(mentions: list[Mention], text: str, norm: str, cues: Cues, lasts: list[str]) -> list[Mention]:
    """Relative locations before the mentions; lasts[i]: the word just before mentions[i]'s name."""
    out = []
    for m, last in zip(mentions, lasts):
        if last not in cues.last_before:
            continue
        before = norm[max(0, m.name_start - _WINDOW) : m.name_start]
        # A distance needs its unit in the window ("8 km au nord de"): a substring test before the regex.
        r = cues.relative.search(before) if any(u in before for u in cues.units) else None
        if not r:
            v = None if m.metonymic or m.kind_cue == "region" or last not in cues.gate_vicinity else \
                cues.vicinity.search(before)
            if v:  # "near Bakhmut": the anchor's point, as a relative location of its own
                start = m.name_start - len(before) + v.start("cue")
                out.append(Mention(text[start : m.end], start, m.end, "", (), m.name_start, m.name_end,
                                   relative=Relative(0.0, 0.0, m.start)))
            continue
        km, approx = _distance(r, cues)
        bearing = cues.directions[" ".join(r.group("dir").split())]
        start = m.name_start - len(before) + r.start("num")
        out.append(
            Mention(text[start : m.end], start, m.end, "", (), m.name_start, m.name_end,
                    relative=Relative(km, bearing, m.start, approx=approx))
        )
    if not any(u in norm for u in cues.units):  # no distance unit in the text: no anaphoric offset either
        return out
    for a in cues.anaphor.finditer(norm):
        lo = max(0, a.start() - _WINDOW)
        r = cues.relative.search(norm[lo : a.start()])
        if not r:
            continue
        ana = " ".join(a.group("ana").split())
        kind = "feature" if ana.endswith(("plant", "station", "centrale")) else "settlement"
        start, end = lo + r.start("num"), a.end("ana")
        if not any(m.end <= start and not m.metonymic and not m.relative for m in mentions):
            continue
        km, approx = _distance(r, cues)
        out.append(
            Mention(text[start:end], start, end, "", (), a.start("ana"), end,
                    relative=Relative(km, cues.directions[" ".join(r.group("dir").split())], -1,
                                      anchor_kind=kind, approx=approx))
        )
    return out


def _distance(r: re.Match, cues: Cues) -> tuple[float, bool]:
    """(kilometres, approximate) of a relative-location match: its number times its unit; approximate when
    the number is a vague amount or hedged ("about", "environ")."""
    factor = cues.unit_km.get(" ".join(r.group("unit").split()), 1.0)
    km = _km(r.group("num"), cues) * factor
    if factor != 1.0:
        km = round(km, 1)  # "5 miles": 8 km, not 8.04672
    return km, bool(r.group("vague") or r.group("hedge"))


def _km(num: str, cues: Cues) -> float:
    """The value of a number: digits, a vague amount, or number words read as a sum ("vingt et un" 21,
    "twenty five" 25, "quatre vingt dix" 90), "cent"/"hundred" multiplying what precedes ("deux cents" 200)."""
    num = " ".join(num.split())
    if num in cues.numerals:
        return cues.numerals[num]
    if num[:1].isdigit():
        return float(num.replace(",", "."))
    if num == "a":  # "a mile"
        return 1.0
    words = [w for w in num.split() if w not in ("et", "and")]
    total, i = 0.0, 0
    while i < len(words):
        for n in range(min(3, len(words) - i), 0, -1):  # the longest number phrase here ("quatre vingt")
            value = cues.numbers.get(" ".join(words[i : i + n]))
            if value is not None:
                break
        else:
            return total  # (cannot happen: the regex matched number phrases only)
        total = total * value if value == 100 and total else total + value
        i += n
    return total
