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
    for w in _WORD.findall(token):
        out += index.get(w) or index.get(w.rstrip("’'")) or ()
    return out


def detect_language(text: str) -> str:
    """Return the ISO code whose function words are clearly most frequent, else "und"."""
    lists = stopwords()
    hits = dict.fromkeys(lists, 0)
    # Words never span white space, so the text is read token by token and what each token counts for is
    # remembered: tokens recur from text to text, and a dict look-up is far cheaper than a regex pass.
    cache = _token_codes
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    for token in text[:SAMPLE_CHARS].lower().split():
        codes = cache.get(token)
        if codes is None:
            codes = cache[token] = _codes(token)
        for code in codes:
            hits[code] += 1
    if not hits:
        return "und"
    ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)
    best, n = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if n < MIN_HITS or n < MARGIN * second:
        return "und"
    return best
