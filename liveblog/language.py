"""Guess the language of a text ("fr", "en" or "und") from its function words."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

LEXICONS = Path(__file__).resolve().parent / "lexicons"
_WORD = re.compile(r"[^\W\d_]+[’']?", re.UNICODE)
MIN_HITS = 3  # fewer function words than this: too little evidence
MARGIN = 1.5  # the winner needs this many times the runner-up's hits
SAMPLE_CHARS = 4000  # the start of a long text is enough
EARLY_CHARS = 1000  # ...and its first 1000 characters decide when one language clearly leads there:
EARLY_MIN_HITS = 30  # at least this many function words
EARLY_RATIO = 4  # and this many times the runner-up's


@lru_cache(maxsize=1)
def stopwords() -> dict[str, frozenset[str]]:
    """Function words per language, from lexicons/lang_stopwords_<code>.txt (one word a line)."""
    out = {}
    for path in sorted(LEXICONS.glob("lang_stopwords_*.txt")):
        code = path.stem.rsplit("_", 1)[-1]
        words = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line.lower())
        out[code] = frozenset(words)
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    """word → the languages that list it."""
    out: dict[str, tuple[str, ...]] = {}
    for code, words in stopwords().items():
        for w in words:
            out[w] = out.get(w, ()) + (code,)
    return out


_CACHE_LIMIT = 200_000  # distinct tokens remembered; the cache is emptied past this, so memory stays bounded
_token_codes: dict[str, tuple[str, ...]] = {}


def _codes(token: str) -> tuple[str, ...]:
    """The languages each word of a whitespace-separated token counts for (a language once per word)."""
    index = _index()
    out: tuple[str, ...] = ()
    for w in _WORD.findall(token.lower()):
        out += index.get(w) or index.get(w.rstrip("’'")) or ()
    return out


def _count(text: str, hits: dict[str, int]) -> None:
    """Add the function words of text to hits. Words never span white space, so the text is read token by
    token and what each token counts for is remembered: tokens recur from text to text, and a dict look-up
    is far cheaper than a regex pass. (Lower-casing each token gives what lower-casing the text would: the
    one context-dependent rule, a final sigma, never looks across white space.)"""
    cache = _token_codes
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    for token in text.split():
        codes = cache.get(token)
        if codes is None:
            codes = cache[token] = _codes(token)
        for code in codes:
            hits[code] += 1


def _leader(hits: dict[str, int]) -> tuple[str, int, int]:
    """(leading language, its hits, the runner-up's hits)."""
    ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
    return ranked[0][0], ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0


def detect_language(text: str) -> str:
    """Return the ISO code whose function words are clearly most frequent, else "und"."""
    hits = dict.fromkeys(stopwords(), 0)
    if not hits:
        return "und"
    sample = text[:SAMPLE_CHARS]
    # A first look at about EARLY_CHARS (cut at white space, so no token is split): most texts are decided
    # there, and the rest of the sample is read only when the answer is not yet clear.
    cut = min(EARLY_CHARS, len(sample))
    while cut < len(sample) and not sample[cut].isspace():
        cut += 1
    _count(sample[:cut], hits)
    if cut < len(sample):
        best, n, second = _leader(hits)
        if n >= EARLY_MIN_HITS and n >= EARLY_RATIO * second:
            return best
        _count(sample[cut:], hits)
    best, n, second = _leader(hits)
    if n < MIN_HITS or n < MARGIN * second:
        return "und"
    return best
