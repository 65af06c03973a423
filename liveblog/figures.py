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
from itertools import pairwise

from liveblog.dates import LEXICONS, alternation, fold, read_tsv

_BEFORE = 45  # characters before a number in which its outcome verb is looked for ("a abattu ce mardi 25 …")
_AFTER = 70  # … and after it ("25 drones lancés dans la nuit ont été abattus")
_SPACED_THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_NON_DIGITS = re.compile(r"\D")
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
    number_scan: re.Pattern  # numerals and number words in one pass, in text with a space put before it (_numbers)
    object_step: re.Pattern  # one step of _object_after: an object (group o), a stop (group x) or a word to skip
    lang: str


@lru_cache(maxsize=4096)
def _named(lang: str, kind: str, surface: str) -> str | None:
    """The object or outcome name of a matched surface (_stems of its table), once per surface and language."""
    lex = figure_lexicon(lang)
    return _stems(lex.objects if kind == "object" else lex.outcomes, surface) or None


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
    # A number not glued to a word or a decimal mark; "1 250" (and "1,250" in English) is one number. The
    # pattern opens with the first digit (the regex engine then skips at C speed to the digits) and checks
    # the character before it with a look-behind: the same matches as (?<![\w.,])(?:\d{1,3}(?:…)+|\d+…).
    thousands = r"\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?!\d)" + (r"|\d{0,2}(?:,\d{3})+(?!\d)" if lang == "en" else "")
    after_digit = rf"(?<![\w.,]\d)(?:{thousands}|\d*(?:[.,]\d+)?)(?![\w-]|[:h]\d)"
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
        numeral=re.compile(rf"\d{after_digit}"),
        # One character class opens it, so the regex engine skips at C speed to the digits and the non-word
        # characters: a digit starts a numeral, a non-word character may be followed by a number word (group 1).
        number_scan=re.compile(rf"[\d\W](?:(?<=\d){after_digit}|(?<=\W)(?=({_whole_words(get('number'))})))"),
        object_step=re.compile(rf"(?P<o>{alternation(get('object'))}(?!\w))"
                               rf"|(?P<x>(?<!\w){alternation(get('outcome'))}(?!\w)|{_CLAUSE.pattern})|[^ ]* +"),
        lang=lang,
    )


def _whole_words(surfaces) -> str:
    """A regex for the surfaces ("deux", "une dizaine") whose first word is made of word characters, to be
    matched at the start of a \\w+ token: a one-word surface must be the whole token ("deux" is not read in
    "deux_"), a longer one must not run on into a letter or digit. Longest first, so that "une dizaine" wins
    over "une"; grouped by first letter, which the regex engine then tests once.
    """
    keys = sorted((s for s in surfaces if _WORD.fullmatch(s.split()[0])), key=lambda s: (-len(s), s))
    by_first: dict[str, list[str]] = {}
    for s in keys:
        by_first.setdefault(s[0], []).append(re.escape(s[1:]) + (r"(?![^\W_])" if " " in s else r"(?!\w)"))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items()) or "(?!)"


def _value(token: str, lex: FigureLexicon, lang: str) -> float | None:
    if token[0].isdigit():
        if _SPACED_THOUSANDS.fullmatch(token) or (lang == "en" and "," in token and _COMMA_THOUSANDS.fullmatch(token)):
            return float(_NON_DIGITS.sub("", token))
        return float(token.replace(",", "."))
    return lex.numbers.get(" ".join(token.split()))


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _nearest_outcome(lex: FigureLexicon, text: str, lo: int, hi: int, last: bool) -> tuple[str | None, int]:
    """The outcome nearest to one end of text[lo:hi], and where it ends (before) or starts (after)."""
    m = None
    if last:
        for m in lex.outcome_re.finditer(text, lo, hi):
            pass
    else:
        m = lex.outcome_re.search(text, lo, hi)
    if m is None:
        return None, -1
    return _named(lex.lang, "outcome", m.group()), m.end() if last else m.start()


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
    # Numbers as (start, end, surface): most sentences state none, and then no other regex runs.
    numbers = _numbers(lex, text)
    if not numbers:
        return {}
    # Only "un", "une", "one" (the article as often as a count) and no outcome word: nothing but a unit ("à un
    # km de") can give a figure, unless "un million" makes a count or "un sur un" makes a total.
    quiet = all(not n[2][0].isdigit() and lex.numbers[n[2]] == 1 and not lex.multiplier.match(text, _skip(text, n[1]))
                for n in numbers) and not lex.outcome_re.search(text) and not any(
        lex.total.fullmatch(text[a[1]:b[0]].strip()) for a, b in pairwise(numbers))
    out: dict[str, int | float] = {}
    previous_object: str | None = None
    previous_outcome: str | None = None
    previous_end = 0
    for i, (m_start, m_end, m_text) in enumerate(numbers):
        value = _value(m_text, lex, lang)
        if value is None:
            continue
        pos = _skip(text, m_end)
        if mult := lex.multiplier.match(text, pos):
            value *= lex.multipliers.get(" ".join(mult.group().split()), 1)
            pos = _skip(text, mult.end())
            if text.startswith("de ", pos) or text.startswith("d'", pos):
                pos = _skip(text, pos + 2)
        next_start = numbers[i + 1][0] if i + 1 < len(numbers) else len(text)
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
        if quiet:
            previous_end = m_end
            continue
        obj, outcome_here = None, None
        # Is the number a part of the one before ("dont 13", "13 of which")? A word before it is only looked
        # for when the answer is used (None: not looked at yet).
        subset: bool | None = None
        if s := lex.subset_after.match(text, pos):
            subset, pos = True, _skip(text, s.end())
        if (t := lex.total.match(text, pos)) and i + 1 < len(numbers) and _skip(text, t.end()) == numbers[i + 1][0]:
            # "25 of 40 drones": this number's object is the next one's.
            obj = _object_after(lex, text, _skip(text, numbers[i + 1][1]))
        if obj is None:
            if o := lex.outcome_re.match(text, pos):
                outcome_here = _named(lang, "outcome", o.group()) or ""
            else:
                obj = _object_after(lex, text, pos)
        if obj is None and previous_object:
            if subset is None:
                subset = _subset_before(lex, text, previous_end, m_start)
            if subset:
                obj = previous_object  # "dont 13 abattus", "90 of which were shot down"
        if obj is None and outcome_here is None and _YEAR.fullmatch(m_text):
            previous_end = m_end
            continue  # "depuis février 2022"
        if obj is None and outcome_here is None:
            # A number counting something we do not know ("3 jours", "52 ans") is no figure; a number that
            # ends its clause or runs on into a verb may still be one ("le bilan s'élève à 12", "12 were killed").
            if not (pos >= len(text) or _CLAUSE.match(text, pos) or lex.glue.match(text, pos)):
                previous_end = m_end
                continue
        between_prev = text[numbers[i - 1][1]:m_start] if i else ""
        total_of = i > 0 and bool(lex.total.fullmatch(between_prev.strip())) if between_prev.strip() else False
        outcome = outcome_here
        if outcome is None and total_of:
            outcome = "launched"
        if outcome is None:
            lo = max(_clause_start(text, max(previous_end, m_start - _BEFORE), m_start), 0)
            before, b_end = _nearest_outcome(lex, text, lo, m_start, last=True)
            after, _ = _nearest_outcome(lex, text, pos, min(_clause_end(text, pos, pos + _AFTER), next_start),
                                        last=False)
            # "a abattu 25 drones lancés …", "killed at least 12 people and wounded 30": a verb just before the
            # number governs it; else the verb after it ("deux personnes ont été tuées").
            outcome = before if before and (after is None or m_start - b_end < 25) else after
            if outcome is None and subset is None:
                subset = _subset_before(lex, text, previous_end, m_start)
            if outcome is None and subset:
                outcome = previous_outcome  # "105 drones downed, including 35 over Moscow"
        if obj is None and outcome is None:
            previous_end = m_end
            continue
        # "un drone", "une frappe": the article, not a count, unless what happened to it is stated.
        weak = not m_text[0].isdigit() and value == 1
        name = (lex.fields.get((obj or "-", outcome)) if outcome else None) if weak else _field(lex, obj, outcome)
        if name:
            out.setdefault(name, _number(value))
        previous_object, previous_outcome = obj or previous_object, outcome or previous_outcome
        previous_end = m_end
    return out


def _subset_before(lex: FigureLexicon, text: str, previous_end: int, start: int) -> bool:
    return bool(lex.subset_before.search(text, max(previous_end, start - 20), start))


def _numbers(lex: FigureLexicon, text: str) -> list[tuple[int, int, str]]:
    """Numerals ("25", "1 250") and number words ("deux", "une dizaine", "a dozen") as (start, end, surface),
    in order, none inside another."""
    found: list[tuple[int, int, str]] = []
    for m in lex.number_scan.finditer(" " + text):
        surface = m.group(1)
        if surface is None:  # a numeral, one character on in " " + text
            found.append((m.start() - 1, m.end() - 1, m.group()))
        elif not found or found[-1][1] <= m.start():
            found.append((m.start(), m.start() + len(surface), surface))
    return found


def _object_after(lex: FigureLexicon, text: str, pos: int) -> str | None:
    """The counted object within the next three words ("25 drones", "12 Ukrainian soldiers", "9 civils ukrainiens").

    Each word is an object (the answer), an outcome or a clause mark (no object), or else a word to skip; a
    number (isdigit, as str reads it) stops too.
    """
    step = lex.object_step
    for _ in range(3):
        if pos >= len(text):
            return None
        m = step.match(text, pos)
        if m is None:  # no object, stop or space further on
            return None
        kind = m.lastgroup
        if kind == "o":
            return _named(lex.lang, "object", m.group())
        if kind == "x" or text[pos].isdigit():
            return None
        pos = m.end()
    return None


def _field(lex: FigureLexicon, obj: str | None, outcome: str | None) -> str | None:
    o, r = obj or "-", outcome or "-"
    return lex.fields.get((o, r)) or (lex.fields.get((o, "-")) if obj else None) or (
        lex.fields.get(("-", r)) if obj in (None, "people") else None)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 3)
