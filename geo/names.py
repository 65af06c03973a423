"""Name normalisation: the folded key every gazetteer name and every text span is matched on."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Apostrophe-like characters are dropped (Mar’inka = Marinka); dashes become spaces (Chasiv-Yar = Chasiv Yar).
_DROP = set("'’‘ʼ`´ʹ\u02bb")
_SPACE = set("-‐‑‒–—_/.")


@lru_cache(maxsize=4096)
def fold_char(c: str) -> str:
    """Fold one character: lower case, no diacritics, apostrophes dropped, dashes as spaces.

    Works per character so a matcher can map folded offsets back to the original text.
    """
    if c in _DROP:
        return ""
    if c in _SPACE or c.isspace():
        return " "
    low = c.lower()
    out = "".join(ch for ch in unicodedata.normalize("NFKD", low) if not unicodedata.combining(ch))
    return out.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


def fold(s: str) -> str:
    """The matching key of a name: folded characters, spaces collapsed."""
    return " ".join("".join(fold_char(c) for c in s).split())
