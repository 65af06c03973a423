"""Split text into sentences (with offsets), and a syndicated one-line body into intro, summary and updates."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from liveblog.records import Sentence

LEXICONS = Path(__file__).resolve().parent / "lexicons"

TERMINATORS = ".!?…"
OPEN_QUOTES = "«“„‘"
# ” is both closing and, in mangled copies ("”Je peux…”"), opening; " is symmetric.
AMBIGUOUS_QUOTES = "”\""
CLOSERS = "»”\"’)]"
SPACES = " \t\u00a0\u202f\u2009"

_QUOTE_CHARS = re.compile(r'[«“„»”"\n]')
# Candidate sentence ends: a run of terminators, or a line break (paragraph / headline boundary). Written to
# open with one character class, which the regex engine skips to at C speed (the same matches as
# [.!?…]+|\n, about three times faster).
_CANDIDATE = re.compile(r"[.!?…\n](?:(?<=\n)|[.!?…]*)")
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


def _quote_depth(quotes: list[tuple[int, str]], at: int, start: int, end: int, depth: int) -> tuple[int, int]:
    """Quote nesting after reading text[start:end] from `depth` (« “ open, » close, ” / " toggle), and the
    index of the first of `quotes` (the text's quote marks and line breaks, in order) not read yet.

    Ranges come in text order and do not overlap, so one list of the text's quotes, read from `at` on,
    serves them all (no regex pass per range)."""
    n = len(quotes)
    while at < n and quotes[at][0] < start:
        at += 1
    while at < n and quotes[at][0] < end:
        ch = quotes[at][1]
        if ch in "«“„":
            depth += 1
        elif ch == "»":
            depth = max(0, depth - 1)
        elif ch in AMBIGUOUS_QUOTES:
            depth = depth - 1 if depth > 0 else 1
        elif ch == "\n":
            depth = 0  # never let an unbalanced quote leak past a paragraph
        at += 1
    return depth, at


# What ends the word before a dot (besides white space): the characters _WORD_BEFORE's class leaves out.
_NOT_IN_WORD = frozenset(".!?…«»“”\"'’([")


def _word_before(text: str, dot: int, lo: int) -> str | None:
    """The word right before the '.' at `dot`, within 40 characters: what _WORD_BEFORE.search(text,
    max(lo, dot - 40), dot) finds (its $ also matches before a final line break), read backwards in a
    loop that stops at the first delimiter instead of trying the regex at every position."""
    start = max(lo, dot - 40)
    end = dot - 1 if dot > start and text[dot - 1] == "\n" else dot
    k = end
    while k > start and not text[k - 1].isspace() and text[k - 1] not in _NOT_IN_WORD:
        k -= 1
    return text[k:end] if k < end else None


def _is_abbreviation(text: str, dot: int, lo: int) -> bool:
    """Does the '.' at `dot` end an abbreviation or an initial rather than a sentence?"""
    word = _word_before(text, dot, lo)
    if not word:
        return False
    if word in abbreviations():
        return True
    # Initials and dotted acronyms: "J. Biden", "U.S.", "U.N."
    if len(word) == 1 and word.isalpha():
        return True
    return False


def _glued_word_follows(text: str, dot: int, lo: int, hi: int) -> bool:
    """"…compte X.Moscou revendique": an initial glued to a capitalised word is a lost paragraph break,
    unlike "U.S." or "J.-C." (a dot, a hyphen or a single capital follows)."""
    j = dot + 1
    if j + 1 >= hi or not (text[j].isupper() and text[j + 1].islower()):
        return False
    return text[dot - 1].isupper() and (dot - 2 < lo or not text[dot - 2].isalpha()) and (
        dot - 2 < lo or text[dot - 2] != "."
    )


def _sentence_ends(text: str, lo: int, hi: int) -> list[int]:
    """Offsets (exclusive) where sentences end in text[lo:hi]."""
    ends = []
    depth, scanned = 0, lo
    # The quote depth is read only where a ” or " may close a sentence: without one, it is not tracked.
    track = text.find("”", lo, hi) >= 0 or text.find('"', lo, hi) >= 0
    quotes = [(q.start(), q.group()) for q in _QUOTE_CHARS.finditer(text, lo, hi)] if track else []
    at = 0
    for m in _CANDIDATE.finditer(text, lo, hi):
        i, j = m.start(), m.end()
        if text[i] == "\n":
            ends.append(i)
            depth, scanned = 0, j
            continue
        if track:
            depth, at = _quote_depth(quotes, at, scanned, i, depth)
        scanned = i
        run = m.group()
        # Number with a decimal point / thousands dot: 1.5, 3.000
        if run == "." and i > lo and text[i - 1].isdigit() and j < hi and text[j].isdigit():
            continue
        if run == "." and _is_abbreviation(text, i, lo) and not _glued_word_follows(text, i, lo, hi):
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
        if run == "." and nxt.isdigit() and i > lo and text[i - 1].isalpha():
            ends.append(k)
        elif nxt.isupper() or nxt in OPEN_QUOTES or (nxt in AMBIGUOUS_QUOTES and k + 1 < hi and text[k + 1].isupper()):
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
        # Trimmed with str.strip (every character of SPACES is white space to it, as to isspace()).
        piece = text[prev:cut]
        body = piece.strip()
        if body:
            a = prev + len(piece) - len(piece.lstrip())
            out.append(Sentence(a, a + len(body), body))
        prev = cut
    return out


# --- Syndicated bodies: one line where each update's headline is glued to its first sentence ---------------

SUMMARY_MARK = "⇒"
# Elided articles and conjunctions: "l’Otan", "d’Izmaïlivka", "qu’Oleksandr" are not closing quotes.
ELISIONS = frozenset("l d j m n s t c qu jusqu lorsqu puisqu presqu quelqu o".split())
# After a non-space: an opening/ambiguous quote, or a letter that is not lower case. Written to open with a
# plain character class (the regex engine then skips everything else at C speed); the same matches as
# (?<=\S)[«“‘"”]|(?<=\S)[^\W\d_a-zà-öø-ÿ], three times faster.
_GLUE_CANDIDATE = re.compile(r"[^\sa-zà-öø-ÿ0-9](?<=\S(?s:.))(?:(?<=[«“‘\"”])|(?<=[^\W\d_]))")
_STRIP_TOKEN = ".,;:!?«»“”\"‘’()[]"


@lru_cache(maxsize=1)
def _camelcase() -> tuple[frozenset[str], tuple[str, ...]]:
    entries = load_word_list("segment_camelcase.txt")
    prefixes = tuple(e[len("prefix:"):] for e in entries if e.startswith("prefix:"))
    return frozenset(e for e in entries if not e.startswith("prefix:")), prefixes


def _token_around(text: str, g: int) -> tuple[int, int]:
    a = g
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = g
    while b < len(text) and not text[b].isspace():
        b += 1
    return a, b


def _is_glue(text: str, g: int, token_counts: dict[str, int]) -> bool:
    """Is there a paragraph break with its space lost between text[g-1] and text[g]?"""
    c, p = text[g], text[g - 1]
    nxt = text[g + 1] if g + 1 < len(text) else ""
    # What follows must open a sentence: a capitalised word, an acronym, or an opening quote.
    if c in "«“‘":
        if not (nxt.isalnum() or nxt in SPACES):
            return False
    elif c in "\"”":
        if not nxt.isupper():
            return False
    elif c.isupper():
        if not (nxt.islower() or nxt in "’'" or (nxt.isupper() and _acronym_ends(text, g))):
            return False
    else:
        return False
    # What precedes must end a headline: a lower-case letter, a digit, closing punctuation, ? or !
    if p.islower() or p.isdigit() or p in "%°":
        pass
    elif p in "»)]?!":
        pass
    elif p in "”\"":
        if g >= 2 and text[g - 2] in "'’":
            return False  # d'”Espionnage”: a mangled opening quote after an elision
    elif p in "’'":
        w = g - 1
        while w > 0 and text[w - 1].isalpha():
            w -= 1
        word = text[w:g - 1].lower()
        if not word or word in ELISIONS or len(word) == 1:
            return False
    elif p.isupper():
        # "…selon l’ISWSelon l’Institut": an acronym run followed by a capitalised word
        if not (g >= 2 and text[g - 2].isupper() and nxt.islower()):
            return False
    else:
        return False
    if c.isalpha() and (p.isalpha()):
        a, b = _token_around(text, g)
        token = text[a:b].strip(_STRIP_TOKEN)
        words, prefixes = _camelcase()
        if token in words:
            return False
        before = text[a:g].lstrip(_STRIP_TOKEN)
        if before in prefixes or (len(before) == 1 and before.islower()):
            return False
        if _opens_sentence(text, g):
            return True
        # A camel-case name recurs as such while its first part never stands alone ("DeepState");
        # a true glue point ends with a word seen elsewhere ("…en RussieLe" and "en Russie et").
        if token_counts.get(token, 0) > 1 and token_counts.get(before, 0) == 0:
            return False
    return True


@lru_cache(maxsize=1)
def _sentence_openers() -> frozenset[str]:
    from liveblog.language import stopwords

    return frozenset().union(*stopwords().values())


def _opens_sentence(text: str, g: int) -> bool:
    """Does text[g:] start with a function word ("Le", "Les", "L’", "The", "In")?"""
    k = g
    while k < len(text) and text[k].isalpha():
        k += 1
    word = text[g:k].lower()
    if k < len(text) and text[k] in "’'":
        word += text[k]
    return word in _sentence_openers()


def _acronym_ends(text: str, g: int) -> bool:
    """text[g:] starts with an all-capitals word (≥2 letters): "…à DniproSBU a…"."""
    k = g
    while k < len(text) and text[k].isupper():
        k += 1
    return k - g >= 2 and (k >= len(text) or not text[k].isalpha())


def _normalise(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def _matches_summary(candidate: str, items: list[str]) -> bool:
    from difflib import SequenceMatcher

    c = _normalise(candidate)
    for item in items:
        i = _normalise(item)
        if c == i or (len(c) > 10 and (c in i or i in c)):
            return True
        if SequenceMatcher(None, c, i).ratio() >= 0.8:
            return True
    return False


MIN_HEADLINE_WORDS = 3
MAX_HEADLINE_WORDS = 40


def split_syndicated_body(body: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """Split a syndicated one-line body into (intro, summary items, [(headline, update body)]).

    A headline has no final full stop and sits between a sentence end (or the summary list, or the
    previous glue point) and a glue point: a letter, digit or closing mark immediately followed,
    without a space, by a capital letter or an opening quote. Camel-case names are not glue points.
    """
    counts = Counter(map(str.strip, body.replace(SUMMARY_MARK, " ").split(), repeat(_STRIP_TOKEN)))

    ends = set(_sentence_ends(body, 0, len(body)))
    glues = {m.start() for m in _GLUE_CANDIDATE.finditer(body) if _is_glue(body, m.start(), counts)}
    # A "?"/"!" glued to a capital is a sentence end and a glue point at once: keep it as glue.
    for g in list(glues):
        if g in ends or (g - 1 >= 0 and body[g - 1] in "?!"):
            ends.discard(g)

    intro_end = 0
    summary: list[str] = []
    scan_from = 0
    first_arrow = body.find(SUMMARY_MARK)
    if first_arrow >= 0:
        # The list's heading ("Les infos à retenir :") starts after the last sentence end before it.
        heading_start = max([e for e in ends if e <= first_arrow], default=0)
        intro_end = heading_start
        last_arrow = body.rfind(SUMMARY_MARK)
        item_end = min([b for b in ends | glues if b > last_arrow], default=len(body))
        summary = [s.strip() for s in body[first_arrow:item_end].split(SUMMARY_MARK) if s.strip()]
        scan_from = item_end

    bounds = sorted([(e, "S") for e in ends if e > scan_from] + [(g, "G") for g in glues if g > scan_from])
    segments = []  # (start, end, kind)
    a = scan_from
    for pos, kind in bounds:
        if pos > a:
            segments.append((a, pos, kind))
            a = pos
    if a < len(body):
        segments.append((a, len(body), "S"))

    def plausible(seg) -> bool:
        s, e, kind = seg
        if kind != "G":
            return False
        h = body[s:e].strip()
        n = len(h.split())
        if n > MAX_HEADLINE_WORDS or not h:
            return False
        return n >= MIN_HEADLINE_WORDS or (summary and _matches_summary(h, summary))

    heads = []  # segment indices that are headlines
    for i, seg in enumerate(segments):
        if not plausible(seg):
            continue
        # Two glue points with no sentence end between: the later one closes the headline,
        # the earlier one ended a paragraph without a full stop.
        if i + 1 < len(segments) and plausible(segments[i + 1]):
            continue
        heads.append(i)

    if not heads:
        # No headline found: the text after the intro/summary is one update without a headline.
        rest = body[scan_from:].strip()
        return body[:intro_end].strip(), summary, ([("", rest)] if rest else [])
    if first_arrow < 0:
        intro_end = segments[heads[0]][0]
    updates = []
    for n, i in enumerate(heads):
        s, e, _ = segments[i]
        stop = segments[heads[n + 1]][0] if n + 1 < len(heads) else len(body)
        updates.append((body[s:e].strip(), body[e:stop].strip()))
    intro = body[:intro_end].strip()
    if first_arrow >= 0 and segments[heads[0]][0] > scan_from:
        # text between the list and the first headline: keep it with the intro rather than lose it
        intro = (intro + " " + body[scan_from:segments[heads[0]][0]].strip()).strip()
    return intro, summary, updates
