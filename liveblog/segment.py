"""Split text into sentences (with offsets), and a syndicated one-line body into intro, summary and updates."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from liveblog.records import Sentence

LEXICONS = Path(__file__).resolve().parent / "lexicons"

TERMINATORS = ".!?…"
OPEN_QUOTES = "«“„‘"
# ” is both closing and, in mangled copies ("”Je peux…”"), opening; " is symmetric.
AMBIGUOUS_QUOTES = "”\""
CLOSERS = "»”\"’)]"
SPACES = " \t\u00a0\u202f\u2009"

# Candidate sentence ends: a run of terminators, or a line break (paragraph / headline boundary).
_CANDIDATE = re.compile(r"[.!?…]+|\n")
_WORD_BEFORE = re.compile(r"([^\s.!?…«»“”\"'’(\[]+)$")


def load_word_list(name: str) -> frozenset[str]:
    """One entry a line; blank lines and '#' comments ignored."""
    path = LEXICONS / name
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            words.add(line)
    return frozenset(words)


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    return load_word_list("segment_abbreviations.txt")


def _quote_depth(text: str, start: int, end: int, depth: int) -> int:
    """Quote nesting after reading text[start:end] from `depth` (« “ open, » close, ” / " toggle)."""
    for ch in text[start:end]:
        if ch in "«“„":
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
        elif ch in AMBIGUOUS_QUOTES:
            depth = depth - 1 if depth > 0 else 1
        elif ch == "\n":
            depth = 0  # never let an unbalanced quote leak past a paragraph
    return depth


def _is_abbreviation(text: str, dot: int, lo: int) -> bool:
    """Does the '.' at `dot` end an abbreviation or an initial rather than a sentence?"""
    m = _WORD_BEFORE.search(text, max(lo, dot - 40), dot)
    if not m:
        return False
    word = m.group(1)
    if word in abbreviations():
        return True
    # Initials and dotted acronyms: "J. Biden", "U.S.", "U.N."
    if len(word) == 1 and word.isalpha():
        return True
    return False


def _sentence_ends(text: str, lo: int, hi: int) -> list[int]:
    """Offsets (exclusive) where sentences end in text[lo:hi]."""
    ends = []
    depth, scanned = 0, lo
    for m in _CANDIDATE.finditer(text, lo, hi):
        i, j = m.start(), m.end()
        if text[i] == "\n":
            ends.append(i)
            depth, scanned = 0, j
            continue
        depth = _quote_depth(text, scanned, i, depth)
        scanned = i
        run = m.group()
        # Number with a decimal point / thousands dot: 1.5, 3.000
        if run == "." and i > lo and text[i - 1].isdigit() and j < hi and text[j].isdigit():
            continue
        if run == "." and _is_abbreviation(text, i, lo):
            continue
        # Absorb closing quotes/brackets (after an optional thin/non-breaking space before »).
        k = j
        while k < hi:
            ch = text[k]
            if ch in "»)]":
                k += 1
            elif ch in SPACES and k + 1 < hi and text[k + 1] == "»":
                k += 2
            elif ch in AMBIGUOUS_QUOTES:
                # a closing quote only if a quote is open, or if it is followed by a space/end
                nxt = text[k + 1] if k + 1 < hi else " "
                if depth > 0 or not (nxt.isalnum()):
                    depth = max(0, depth - 1)
                    k += 1
                else:
                    break
            elif ch == "’" and (k + 1 >= hi or not text[k + 1].isalnum()):
                k += 1
            else:
                break
        scanned = max(scanned, k)
        if k >= hi:
            ends.append(hi)
            continue
        nxt = text[k]
        if nxt in SPACES:
            s = k
            while s < hi and text[s] in SPACES:
                s += 1
            if s >= hi:
                ends.append(k)
                continue
            first = text[s]
            if first.isupper() or first in OPEN_QUOTES or first in AMBIGUOUS_QUOTES or first in "(—–-" or (
                first.isdigit() and run != "."
            ):
                ends.append(k)
            elif first.isdigit() and not text[i - 1].isdigit():
                ends.append(k)
            continue
        # Glued: "…l’Ukraine.Volodymyr", "…Mark Rutte.”Je peux", "…?Le"
        if nxt.isupper() or nxt in OPEN_QUOTES or (nxt in AMBIGUOUS_QUOTES and k + 1 < hi and text[k + 1].isupper()):
            prev = text[i - 1] if i > lo else ""
            if prev and (prev.isalnum() or prev in CLOSERS or prev in "%°"):
                ends.append(k)
    return ends


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of text[start:end], offsets into `text`, trimmed of surrounding white space.

    Line breaks always end a sentence (so an update's headline line is a sentence of its own).
    Copes with sentences glued without a space, French and English quotes, abbreviations and decimals.
    """
    hi = len(text) if end is None else min(end, len(text))
    lo = max(0, start)
    if lo >= hi:
        return []
    out = []
    prev = lo
    for cut in _sentence_ends(text, lo, hi) + [hi]:
        if cut <= prev:
            continue
        a, b = prev, cut
        while a < b and (text[a].isspace() or text[a] in SPACES):
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in SPACES):
            b -= 1
        if b > a:
            out.append(Sentence(a, b, text[a:b]))
        prev = cut
    return out
