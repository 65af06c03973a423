"""Figures: the numbers a claim states where they matter (killed, wounded, drones shot down, km², "8 km au nord de").

A number is read with what follows it (an object: "drones", "personnes"; a unit: "km²") and the outcome word
of its clause, before it ("killing 12", "a abattu 25 drones") or after it ("deux personnes ont été tuées",
"25 drones abattus"). (object, outcome) → field comes from lexicons/figures.tsv, as every word here does.
"At least 12" / "plus de 600 000" give 12 / 600000 (a lower bound reads as its number); plural vague words
("des dizaines", "dozens") give no figure. The first value of a field in a sentence wins: what follows is
usually a part of it ("12 killed, including 3 children").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from liveblog.dates import LEXICONS, alternation, fold, read_tsv

_BEFORE = 45  # characters before a number in which its outcome verb is looked for ("a abattu ce mardi 25 …")
_AFTER = 70  # … and after it ("25 drones lancés dans la nuit ont été abattus")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_CLAUSE = re.compile(r"[,;:.!?()]|\s[-–—]\s")
# What may follow a counted number besides an object, outcome or unit: words that keep the clause going.
_GLUE = {
    "fr": r"ont|a|sont|est|étaient|avaient|auraient|seraient|autres|au|de plus|supplémentaires",
    "en": r"were|was|have|had|has|are|had been|more|others|other|people",
}


@dataclass(frozen=True)
class FigureLexicon:
    numbers: dict[str, int]
    multiplier: re.Pattern
    multipliers: dict[str, int]
    objects: dict[str, str]
    object_re: re.Pattern
    outcomes: dict[str, str]
    outcome_re: re.Pattern
    fields: dict[tuple[str, str], str]
    units: dict[str, str]
    unit_re: re.Pattern
    direction: re.Pattern
    anchor: re.Pattern
    subset_before: re.Pattern
    subset_after: re.Pattern
    total: re.Pattern
    glue: re.Pattern
    numeral: re.Pattern  # digits, where a figure may start
    word_numbers: dict[str, tuple[str, ...]]  # first word → number-word surfaces starting with it, longest first
    first_words: re.Pattern  # the keys of word_numbers found as whole words (\w+ tokens): see _whole_words
    strong_words: frozenset[str]  # first words of number words other than "one": a cheap test before any regex
    weak_words: frozenset[str]  # "un", "une", "one", "a": a figure only with an outcome word in the sentence


def _stems(table: dict[str, str], surface: str) -> str:
    """The table's value for a matched surface, trying the stems (a final *) the surface may have matched."""
    key = " ".join(surface.split())
    if key in table:
        return table[key]
    for stem, value in table.items():
        if stem.endswith("*") and key.startswith(stem[:-1]):
            return value
    return ""


@lru_cache(maxsize=None)
def figure_lexicon(lang: str) -> FigureLexicon | None:
    rows = [r for r in read_tsv(LEXICONS / "figures.tsv") if r[1] in (lang, "*")]
    if not any(r[1] == lang for r in rows):
        return None
    by: dict[str, dict[str, str]] = {}
    for kind, _lang, surfaces, value in rows:
        for s in surfaces.split("|"):
            by.setdefault(kind, {})[" ".join(fold(s).split())] = value
    get = lambda kind: by.get(kind, {})  # noqa: E731
    word = lambda kind: re.compile(rf"{alternation(get(kind))}(?!\w)")  # noqa: E731  (used with .match(pos))
    fields = {}
    for pair, name in get("field").items():
        obj, out = pair.split(":")
        fields[(obj, out)] = name
    word_numbers = {first: tuple(sorted((k for k in get("number") if k.split()[0] == first), key=len, reverse=True))
                    for first in {k.split()[0] for k in get("number")}}
    # A number not glued to a word or a decimal mark; "1 250" (and "1,250" in English) is one number. The
    # pattern opens with the first digit (the regex engine then skips at C speed to the digits) and checks
    # the character before it with a look-behind: the same matches as (?<![\w.,])(?:\d{1,3}(?:…)+|\d+…).
    thousands = r"\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?!\d)" + (r"|\d{0,2}(?:,\d{3})+(?!\d)" if lang == "en" else "")
    return FigureLexicon(
        numbers={k: int(v) for k, v in get("number").items()},
        multiplier=word("multiplier"),
        multipliers={k: int(v) for k, v in get("multiplier").items()},
        objects=get("object"),
        object_re=word("object"),
        outcomes=get("outcome"),
        outcome_re=re.compile(rf"(?<!\w){alternation(get('outcome'))}(?!\w)"),
        fields=fields,
        units=get("unit"),
        unit_re=re.compile(rf"{alternation(get('unit'))}(?![\w²])"),
        direction=word("direction"),
        anchor=re.compile(rf"(?:{alternation(get('anchor'))})(?:\s|(?<='))"),
        subset_before=re.compile(rf"(?<!\w){alternation(get('subset'))}\s*$"),
        subset_after=word("subset"),
        total=word("total"),
        glue=re.compile(rf"(?:{_GLUE.get(lang, '(?!)')})(?!\w)"),
        numeral=re.compile(rf"\d(?<![\w.,]\d)(?:{thousands}|\d*(?:[.,]\d+)?)(?![\w-]|[:h]\d)"),
        word_numbers=word_numbers,
        first_words=_whole_words(word_numbers),
        strong_words=frozenset(k.split()[0] for k, v in get("number").items() if int(v) != 1),
        weak_words=frozenset(k.split()[0] for k, v in get("number").items() if int(v) == 1),
    )


def _whole_words(words) -> re.Pattern:
    """The words (those made of word characters only) where they are a whole \\w+ token, in text with a space
    put before it: group 1 is the word, one character after where it starts in the text.

    The pattern opens with the non-word character before the word, so the regex engine skips at C speed to
    the few places a word can start: far faster than a (?<!\\w)(?:…) alternation or a look-up per token.
    """
    keys = sorted((w for w in words if _WORD.fullmatch(w)), key=lambda w: (-len(w), w))
    return re.compile(r"\W(?=(" + "|".join(map(re.escape, keys)) + r")(?!\w))" if keys else "(?!)")


def _value(token: str, lex: FigureLexicon, lang: str) -> float | None:
    if token[0].isdigit():
        if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+", token) or (lang == "en" and "," in token
                                                                         and re.fullmatch(r"\d{1,3}(?:,\d{3})+", token)):
            return float(re.sub(r"\D", "", token))
        return float(token.replace(",", "."))
    return lex.numbers.get(" ".join(token.split()))


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _nearest_outcome(lex: FigureLexicon, text: str, lo: int, hi: int, last: bool) -> tuple[str | None, int]:
    """The outcome nearest to one end of text[lo:hi], and where it ends (before) or starts (after)."""
    found = list(lex.outcome_re.finditer(text, lo, hi))
    if not found:
        return None, -1
    m = found[-1] if last else found[0]
    return _stems(lex.outcomes, m.group()) or None, m.end() if last else m.start()


def _clause_start(text: str, lo: int, pos: int) -> int:
    cut = lo
    for m in _CLAUSE.finditer(text, lo, pos):
        cut = m.end()
    return cut


def _clause_end(text: str, pos: int, hi: int) -> int:
    m = _CLAUSE.search(text, pos, hi)
    return m.start() if m else hi


def extract_figures(sentence: str, lang: str, folded: str | None = None) -> dict[str, int | float]:
    """The figures one sentence states, e.g. {"killed": 2, "wounded": 12, "drones_shot_down": 25}.

    folded: fold(sentence), when the caller has it (cut from its update's folded text).
    """
    lex = figure_lexicon(lang)
    if lex is None or not sentence:
        return {}
    text = fold(sentence) if folded is None else folded
    # Most sentences state no number: find out from the words a number can start with, (start, word), and
    # whether there is a digit, before running any other regex.
    words = [(w.start(), w.group(1)) for w in lex.first_words.finditer(" " + text)]
    digit = _DIGIT.search(text)
    if not digit and all(w not in lex.strong_words for _, w in words) and (
            all(w not in lex.weak_words for _, w in words) or not lex.outcome_re.search(text)):
        return {}
    numerals = list(lex.numeral.finditer(text, digit.start())) if digit else []
    numbers = sorted([*numerals, *_number_words(lex, text, words)], key=lambda n: n.start())
    out: dict[str, int | float] = {}
    previous_object: str | None = None
    previous_outcome: str | None = None
    previous_end = 0
    for i, m in enumerate(numbers):
        value = _value(m.group(), lex, lang)
        if value is None:
            continue
        pos = _skip(text, m.end())
        if mult := lex.multiplier.match(text, pos):
            value *= lex.multipliers.get(" ".join(mult.group().split()), 1)
            pos = _skip(text, mult.end())
            if text.startswith("de ", pos) or text.startswith("d'", pos):
                pos = _skip(text, pos + 2)
        next_start = numbers[i + 1].start() if i + 1 < len(numbers) else len(text)
        if (text.startswith("de ", pos) or text.startswith("d'", pos) or text.startswith("of ", pos)) and \
                lex.unit_re.match(text, _skip(text, pos + 2 + (text[pos] == "o"))):
            pos = _skip(text, pos + 2 + (text[pos] == "o"))  # "une dizaine de kilomètres"
        # Units: "1 250 km²" (area), "8 km au nord de X" / "10 km south-east of X" (distance to an anchor).
        if unit := lex.unit_re.match(text, pos):
            kind = lex.units.get(" ".join(unit.group().split()), "")
            after = _skip(text, unit.end())
            if kind == "area":
                out.setdefault("area_km2", _number(value))
            elif kind.startswith("distance"):
                if d := lex.direction.match(text, after):
                    after = _skip(text, d.end())
                if lex.anchor.match(text, after):
                    out.setdefault("distance_km", _number(value * (1.609 if kind == "distance_miles" else 1)))
            previous_end = unit.end()
            continue
        obj, outcome_here = None, None
        # Is the number a part of the one before ("dont 13", "13 of which")? A word before it is only looked
        # for when the answer is used (None: not looked at yet).
        subset: bool | None = None
        if s := lex.subset_after.match(text, pos):
            subset, pos = True, _skip(text, s.end())
        if (t := lex.total.match(text, pos)) and i + 1 < len(numbers) and _skip(text, t.end()) == numbers[i + 1].start():
            # "25 of 40 drones": this number's object is the next one's.
            nxt = numbers[i + 1]
            obj = _object_after(lex, text, _skip(text, nxt.end()))
        if obj is None:
            if o := lex.outcome_re.match(text, pos):
                outcome_here = _stems(lex.outcomes, o.group())
            else:
                obj = _object_after(lex, text, pos)
        if obj is None and previous_object:
            if subset is None:
                subset = _subset_before(lex, text, previous_end, m.start())
            if subset:
                obj = previous_object  # "dont 13 abattus", "90 of which were shot down"
        if obj is None and outcome_here is None and _YEAR.fullmatch(m.group()):
            previous_end = m.end()
            continue  # "depuis février 2022"
        if obj is None and outcome_here is None:
            # A number counting something we do not know ("3 jours", "52 ans") is no figure; a number that
            # ends its clause or runs on into a verb may still be one ("le bilan s'élève à 12", "12 were killed").
            if not (pos >= len(text) or _CLAUSE.match(text, pos) or lex.glue.match(text, pos)):
                previous_end = m.end()
                continue
        between_prev = text[numbers[i - 1].end():m.start()] if i else ""
        total_of = i > 0 and bool(lex.total.fullmatch(between_prev.strip())) if between_prev.strip() else False
        outcome = outcome_here
        if outcome is None and total_of:
            outcome = "launched"
        if outcome is None:
            lo = max(_clause_start(text, max(previous_end, m.start() - _BEFORE), m.start()), 0)
            before, b_end = _nearest_outcome(lex, text, lo, m.start(), last=True)
            after, _ = _nearest_outcome(lex, text, pos, min(_clause_end(text, pos, pos + _AFTER), next_start),
                                        last=False)
            # "a abattu 25 drones lancés …", "killed at least 12 people and wounded 30": a verb just before the
            # number governs it; else the verb after it ("deux personnes ont été tuées").
            outcome = before if before and (after is None or m.start() - b_end < 25) else after
            if outcome is None and subset is None:
                subset = _subset_before(lex, text, previous_end, m.start())
            if outcome is None and subset:
                outcome = previous_outcome  # "105 drones downed, including 35 over Moscow"
        if obj is None and outcome is None:
            previous_end = m.end()
            continue
        # "un drone", "une frappe": the article, not a count, unless what happened to it is stated.
        weak = not m.group()[0].isdigit() and value == 1
        name = (lex.fields.get((obj or "-", outcome)) if outcome else None) if weak else _field(lex, obj, outcome)
        if name:
            out.setdefault(name, _number(value))
        previous_object, previous_outcome = obj or previous_object, outcome or previous_outcome
        previous_end = m.end()
    return out


def _subset_before(lex: FigureLexicon, text: str, previous_end: int, start: int) -> bool:
    return bool(lex.subset_before.search(text, max(previous_end, start - 20), start))


@dataclass(frozen=True)
class _Found:
    """A number word found in the text, shaped like the re.Match of a digit run."""

    begin: int
    stop: int
    text: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop

    def group(self) -> str:
        return self.text


def _number_words(lex: FigureLexicon, text: str, words: list[tuple[int, str]]) -> list[_Found]:
    """Number words ("deux", "une dizaine", "a dozen") from the first words found (start, word) in text."""
    found = []
    for start, word in words:
        for surface in lex.word_numbers[word]:
            end = start + len(surface)
            if text.startswith(surface, start) and (end == len(text) or not text[end].isalnum()):
                if not found or found[-1].stop <= start:
                    found.append(_Found(start, end, surface))
                break
    return found


def _object_after(lex: FigureLexicon, text: str, pos: int) -> str | None:
    """The counted object within the next three words ("25 drones", "12 Ukrainian soldiers", "9 civils ukrainiens")."""
    for _ in range(3):
        if pos >= len(text):
            return None
        if o := lex.object_re.match(text, pos):
            return _stems(lex.objects, o.group()) or None
        if lex.outcome_re.match(text, pos) or _CLAUSE.match(text, pos) or text[pos].isdigit():
            return None
        nxt = text.find(" ", pos)
        if nxt < 0:
            return None
        pos = _skip(text, nxt)
    return None


def _field(lex: FigureLexicon, obj: str | None, outcome: str | None) -> str | None:
    o, r = obj or "-", outcome or "-"
    return lex.fields.get((o, r)) or (lex.fields.get((o, "-")) if obj else None) or (
        lex.fields.get(("-", r)) if obj in (None, "people") else None)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 3)
