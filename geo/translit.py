"""Cyrillic → Latin transliteration driven by the rule tables in geo/data/translit/*.tsv.

Each table row is (Cyrillic letters, contexts, outputs). At each position the longest letter sequence
with a rule whose context matches wins; outputs separated by "|" are alternative spellings (the first is
the standard one), so one Cyrillic name yields a few Latin variants. Output is lower case: the gazetteer
only stores folded keys.
"""
from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TRANSLIT_DIR = Path(__file__).parent / "data" / "translit"

VOWELS = frozenset("аеєиіїоуюяыэё")
UK_ONLY = frozenset("іїєґ")
RU_ONLY = frozenset("ыэёъ")
MAX_VARIANTS = 8  # per name and scheme: alternatives multiply, keep the first few


@dataclass(frozen=True)
class Rule:
    contexts: tuple[str, ...]
    outputs: tuple[str, ...]


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[1:]  # header


@lru_cache(maxsize=None)
def load_scheme(name: str, directory: Path = TRANSLIT_DIR) -> dict[str, tuple[Rule, ...]]:
    """Rules of one scheme, keyed by Cyrillic sequence; rules keep file order (specific contexts first)."""
    rules: dict[str, list[Rule]] = {}
    for row in _rows(directory / f"{name}.tsv"):
        cyr, ctx = row[0], row[1]
        out = row[2] if len(row) > 2 else ""
        rules.setdefault(cyr, []).append(Rule(tuple(ctx.split(",")), tuple(out.split("|"))))
    return {k: tuple(v) for k, v in rules.items()}


@lru_cache(maxsize=None)
def load_schemes(directory: Path = TRANSLIT_DIR) -> dict[str, tuple[tuple[str, str], ...]]:
    """language (uk, ru) → ((scheme, source label), …) from schemes.tsv."""
    out: dict[str, list[tuple[str, str]]] = {}
    for scheme, lang, source in _rows(directory / "schemes.tsv"):
        out.setdefault(lang, []).append((scheme, source))
    return {k: tuple(v) for k, v in out.items()}


def _context_ok(ctx: str, prev: str, nxt: str) -> bool:
    if "+" in ctx:  # all of several contexts: "V_+$" after a vowel at the end of a word
        return all(_context_ok(c, prev, nxt) for c in ctx.split("+"))
    if ctx == "*":
        return True
    if ctx == "^":
        return not prev.isalpha()
    if ctx == "$":
        return not nxt.isalpha()
    if ctx == "V_":
        return prev in VOWELS
    if ctx == "_V":
        return nxt in VOWELS
    if ctx == "V_V":
        return prev in VOWELS and nxt in VOWELS
    raise ValueError(f"unknown context {ctx!r}")


def transliterate(text: str, scheme: str, directory: Path = TRANSLIT_DIR) -> list[str]:
    """All spellings of `text` under `scheme` (first = standard), at most MAX_VARIANTS, lower case."""
    rules = load_scheme(scheme, directory)
    longest = max(map(len, rules))
    s = text.lower()
    parts: list[tuple[str, ...]] = []
    i = 0
    while i < len(s):
        for n in range(min(longest, len(s) - i), 0, -1):
            seq = s[i:i + n]
            cands = rules.get(seq)
            if not cands:
                continue
            prev = s[i - 1] if i else " "
            nxt = s[i + n] if i + n < len(s) else " "
            rule = next((r for r in cands if any(_context_ok(c, prev, nxt) for c in r.contexts)), None)
            if rule is not None:
                parts.append(rule.outputs)
                i += n
                break
        else:  # not Cyrillic (space, dash, Latin): kept as is
            parts.append((s[i],))
            i += 1
    out: list[str] = []
    for combo in itertools.islice(itertools.product(*parts), MAX_VARIANTS):
        v = "".join(combo)
        if v not in out:
            out.append(v)
    return out


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def cyrillic_languages(text: str) -> tuple[str, ...]:
    """Which language a Cyrillic name can be: letters only one alphabet has decide, else both."""
    low = set(text.lower())
    if low & UK_ONLY:
        return ("uk",)
    if low & RU_ONLY:
        return ("ru",)
    return ("uk", "ru")


def latin_variants(text: str, language: str | None = None,
                   directory: Path = TRANSLIT_DIR) -> list[tuple[str, str]]:
    """(variant, source label) for a Cyrillic name, for every scheme of its language(s)."""
    langs = (language,) if language else cyrillic_languages(text)
    schemes = load_schemes(directory)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lang in langs:
        for scheme, source in schemes.get(lang, ()):
            for v in transliterate(text, scheme, directory):
                if v not in seen:
                    seen.add(v)
                    out.append((v, source))
    return out
