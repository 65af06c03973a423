"""Read a live-blog file (syndicated text, plain text copied from a page, saved HTML) into an Article.

Update.text is the headline, a newline, then the update's body ("" headline: the text has no headline).
Body paragraphs are joined with newlines (plain, html); a syndicated body is kept verbatim (one line).
Text with no recognisable structure becomes format "text": one update per blank-line-separated block,
whose first line is its headline when the block has several lines and that line has no final full stop.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from liveblog.language import detect_language
from liveblog.records import Article, Update
from liveblog.segment import LEXICONS, split_syndicated_body


class FormatError(ValueError):
    """The file cannot be read as a live blog; the message says why, for the user."""


# --- bytes → text -----------------------------------------------------------------------------------------

BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
MAX_CONTROL_RATIO = 0.02  # share of control characters above which a "text" is binary


# C0 controls but tab, line feed, carriage return and form feed, and DEL: one byte each in UTF-8.
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def _control_ratio(text: str) -> float:
    sample = text[:100000]
    if not sample:
        return 0.0
    # Counted on the UTF-8 bytes (C-speed passes instead of a test per character): C0 controls and DEL are
    # bytes of their own; a C1 control (U+0080–U+009F) is the pair C2 80 … C2 9F.
    data = sample.encode("utf-8", "surrogatepass")
    bad = len(data) - len(data.translate(None, _C0_BYTES))
    if b"\xc2" in data:
        bad += sum(1 for part in data.split(b"\xc2")[1:] if b"\x80" <= part[:1] < b"\xa0")
    return bad / len(sample)


def _whole_units(data: bytes, codec: str) -> tuple[bytes, str | None]:
    """A UTF-16/32 payload cut to whole code units: a file truncated mid-character keeps the rest of its text."""
    unit = 4 if "32" in codec else 2 if "16" in codec else 1
    extra = len(data) % unit
    if not extra:
        return data, None
    return data[:-extra], f"{len(data)} bytes is not a whole number of {codec.upper()} units: the last {extra} dropped"


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode a file's bytes: (text, warning or None). Raises FormatError on empty or binary data."""
    if not data.strip():
        raise FormatError("empty file")
    text, warning = None, None
    for bom, codec in BOMS:
        if data.startswith(bom):
            payload, warning = _whole_units(data[len(bom):], codec)
            try:
                text = payload.decode(codec.replace("-sig", ""))
            except UnicodeDecodeError:
                raise FormatError(f"file starts with a {codec} byte-order mark but is not valid {codec}") from None
            break
    if text is None:
        if b"\x00" in data[:4096]:
            # UTF-16 without a BOM puts a NUL in every other byte of Latin text
            even, odd = data[0:4096:2].count(0), data[1:4096:2].count(0)
            n = len(data[:4096]) // 2 or 1
            codec = "utf-16-le" if odd > 0.4 * n and even < 0.05 * n else "utf-16-be" if even > 0.4 * n and odd < 0.05 * n else None
            if codec is None:
                raise FormatError("binary file (contains NUL bytes), not text")
            payload, cut = _whole_units(data, codec)
            try:
                text = payload.decode(codec)
                warning = "; ".join(filter(None, [f"no byte-order mark: decoded as {codec.upper()}", cut]))
            except UnicodeDecodeError:
                raise FormatError("binary file (contains NUL bytes), not text") from None
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text, warning = data.decode("cp1252"), "not valid UTF-8: decoded as Windows-1252 (Latin-1)"
                except UnicodeDecodeError:
                    text, warning = data.decode("latin-1"), "not valid UTF-8: decoded as Latin-1"
    if not text.strip():
        raise FormatError("empty file")
    if _control_ratio(text) > MAX_CONTROL_RATIO:
        raise FormatError("binary file (mostly non-printable characters), not text")
    return text, warning


# --- dates --------------------------------------------------------------------------------------------------


def _read_tsv(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, _, b = line.partition("\t")
        rows.append((a.strip(), b.strip()))
    return rows


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    return {name.lower(): int(num) for name, num in _read_tsv("segment_months.tsv")}


@lru_cache(maxsize=1)
def _time_words() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for role, word in _read_tsv("segment_time_words.tsv"):
        out.setdefault(role, set()).add(word.lower())
    return {k: frozenset(v) for k, v in out.items()}


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    tw = _time_words()
    ampm = r"(?:\s*(?P<ap>(?i:[ap]\.?m\.?)(?!\w)))?"  # "9.14pm", "10:05 a.m." (read by _hour_minute)
    # "18h40", "18H40", "18:40", "09.14", "9.14am"
    clock = rf"(?P<h>\d{{1,2}})\s*(?:[hH]|:|\.)\s*(?P<m>\d{{2}}){ampm}"
    zone = r"(?:\s*(?:[A-Z]{2,5}|UTC[+-]\d{1,2}))?"
    units = _alt(tw["minute"] | tw["hour"])
    return {
        "clock": re.compile(rf"^(?:(?i:{_alt(tw['stamp_prefix'])})\s+)?{clock}{zone}$"),
        "ago": re.compile(
            rf"^(?:(?:{_alt(tw['ago_prefix'])})\s+(?P<n>\d+)\s*(?P<u>{units})|(?P<n2>\d+)\s*(?P<u2>{units})\s+(?:{_alt(tw['ago_suffix'])}))\.?$",
            re.I,
        ),
        "dayword": re.compile(rf"^(?P<d>{_alt(tw['yesterday'] | tw['today'])})(?:\s+(?:à|at|,))?\s+{clock}{zone}$", re.I),
        "numeric_date": re.compile(r"(?P<d>\d{1,2})[/.](?P<mo>\d{1,2})[/.](?P<y>\d{4})"),
        "iso_date": re.compile(r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"),
        "word_date": re.compile(rf"(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_alt(_months())})\.?,?\s+(?P<y>\d{{4}})", re.I),
        "word_date_en": re.compile(rf"(?P<mon>{_alt(_months())})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})", re.I),
        "time": re.compile(rf"(?<![\d/.-])(?P<h>\d{{1,2}})\s*(?:h|:|\.)\s*(?P<m>\d{{2}})(?![\d/]){ampm}"),
        "published": re.compile(_alt(tw["published"]), re.I),
        "updated": re.compile(_alt(tw["updated"]), re.I),
    }


def _find_date(s: str):
    """First calendar date written in s (numeric, ISO or with a month name), where it starts and where it
    ends: (date, start, end), or (None, len(s), 0)."""
    p = _patterns()
    best = None
    for key in ("numeric_date", "iso_date", "word_date", "word_date_en"):
        m = p[key].search(s)
        if m and (best is None or m.start() < best.start()):
            best = m
    if not best:
        return None, len(s), 0
    m = best
    month = _months()[m.group("mon").lower()] if "mon" in m.groupdict() else int(m.group("mo"))
    try:
        return datetime(int(m.group("y")), month, int(m.group("d"))).date(), m.start(), m.end()
    except ValueError:
        return None, len(s), 0


def parse_header_dates(line: str) -> tuple[datetime | None, datetime | None]:
    """(published, updated) from a date line: "Publié le 21/05/2023 à 07h02 · Mis à jour le … à 19h48",
    "Published 20 August 2024, 07:10 GMT | Updated 18:55 GMT", "Last updated 22 May 2025, 20:15 BST".
    An update time without a date takes the published date (the next day if it would come earlier)."""
    p = _patterns()
    mu = p["updated"].search(line)
    parts = (line[: mu.start()], line[mu.end():]) if mu else (line, "")
    found: list[datetime | None] = [None, None]
    pub_date = None
    for n, part in enumerate(parts):
        if not part.strip():
            continue
        d, start, end = _find_date(part)
        if n == 0:
            pub_date = d
        elif d is None:
            d, end = pub_date, 0
        # the time after the date, else before it ("11:20 GMT, 12 November 2024")
        t = p["time"].search(part, end) or p["time"].search(part, 0, start)
        if d is None or t is None:
            continue
        h, mi = _hour_minute(t)
        if h > 23 or mi > 59:
            continue
        found[n] = datetime(d.year, d.month, d.day, h, mi)
    published, updated = found
    if published and updated and updated < published and not _find_date(parts[1])[0]:
        updated += timedelta(days=1)
    return published, updated


def _hour_minute(m: re.Match) -> tuple[int, int]:
    """(hour, minute) of a clock match, on the 24-hour clock: "9.14pm" is 21:14, "12.05am" 00:05."""
    h, mi = int(m.group("h")), int(m.group("m"))
    ap = (m.group("ap") or "").lower()
    if ap.startswith("p") and h < 12:
        h += 12
    elif ap.startswith("a") and h == 12:
        h = 0
    return h, mi


def parse_time_stamp(line: str) -> tuple[str, tuple] | None:
    """Classify a plain-text update stamp: ("clock", (h, m)), ("ago", minutes), ("yesterday"|"today", (h, m))."""
    s = line.strip()
    if len(s) > 40:
        return None
    p = _patterns()
    m = p["clock"].match(s)
    if m:
        h, mi = _hour_minute(m)
        return ("clock", (h, mi)) if h < 24 and mi < 60 else None
    m = p["ago"].match(s)
    if m:
        n = int(m.group("n") or m.group("n2"))
        unit = (m.group("u") or m.group("u2")).lower()
        return "ago", n * (60 if unit in _time_words()["hour"] else 1)
    m = p["dayword"].match(s)
    if m:
        h, mi = _hour_minute(m)
        kind = "yesterday" if m.group("d").lower() in _time_words()["yesterday"] else "today"
        return (kind, (h, mi)) if h < 24 and mi < 60 else None
    return None


def date_stamps(stamps: list[tuple[str, object]], published: datetime | None, updated: datetime | None) -> list[datetime | None]:
    """Datetimes for plain-text stamps in document order. Clock times get the reference day and step back
    (newest-first pages) or forward (oldest-first) a day when the clock runs the other way."""
    ref = updated or published
    out: list[datetime | None] = [None] * len(stamps)
    if ref is None:
        return out
    for i, (kind, val) in enumerate(stamps):
        if kind == "ago":
            out[i] = ref - timedelta(minutes=val)
        elif kind in ("yesterday", "today"):
            day = ref.date() - timedelta(days=1 if kind == "yesterday" else 0)
            out[i] = datetime(day.year, day.month, day.day, *val)
    clocks = [i for i, (k, _) in enumerate(stamps) if k == "clock"]
    if not clocks:
        return out
    mins = [stamps[i][1][0] * 60 + stamps[i][1][1] for i in clocks]
    newest_first = sum(a > b for a, b in zip(mins, mins[1:])) >= sum(a < b for a, b in zip(mins, mins[1:]))
    if newest_first and updated is not None or (not newest_first and published is None):
        # walk back from the update time: a clock later than the previous (newer) one is a day earlier
        day, prev = ref.date(), None
        order = clocks if newest_first else list(reversed(clocks))
        for i in order:
            h, m = stamps[i][1]
            cand = datetime(day.year, day.month, day.day, h, m)
            if (prev is None and cand > ref + timedelta(minutes=1)) or (prev is not None and cand > prev):
                cand -= timedelta(days=1)
                day = cand.date()
            out[i], prev = cand, cand
    else:
        # walk forward from the publication time
        start = published or ref
        day, prev = start.date(), None
        order = list(reversed(clocks)) if newest_first else clocks
        for i in order:
            h, m = stamps[i][1]
            cand = datetime(day.year, day.month, day.day, h, m)
            if prev is not None and cand < prev:
                cand += timedelta(days=1)
                day = cand.date()
            out[i], prev = cand, cand
    return out


def _iso_naive(value: str | None) -> datetime | None:
    """"2024-02-17T09:12:00+01:00" → naive local 2024-02-17 09:12 (the offset is dropped)."""
    if not value:
        return None
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?", value)
    if not m:
        return None
    try:
        return datetime.fromisoformat(m.group(1) + ("T" + m.group(2) if m.group(2) else ""))
    except ValueError:
        return None


# --- furniture --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _furniture() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {"line": set(), "prefix": set(), "next": set()}
    for kind, text in _read_tsv("segment_furniture.txt"):
        out.setdefault(kind, set()).add(text.lower())
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _furniture_prefixes() -> tuple[str, ...]:
    return tuple(sorted(_furniture()["prefix"]))  # str.startswith tries a tuple of prefixes in one call


def _is_furniture(line: str) -> str | None:
    """"line" / "next" (this line and the next are furniture) / None."""
    s = " ".join(line.split()).lower()
    f = _furniture()
    if s in f["next"]:
        return "next"
    if s in f["line"] or s.startswith(_furniture_prefixes()):
        return "line"
    return None


# --- syndicated ---------------------------------------------------------------------------------------------

SYNDICATED_MARK = "* . *"
FOOTER_KEYS = {"source link": "url", "author": "author", "publish date": "published", "tags": "tags"}
_FOOTER = re.compile(r"^\s*(Source link|Author|Publish date|Tags)\s*:\s*(.*)$", re.I)


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def parse_syndicated(text: str, file: str) -> Article:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip())
    lines = lines[start + 1:]  # drop "* . *"
    foot = next((i for i, line in enumerate(lines) if _FOOTER.match(line)), len(lines))
    meta: dict[str, str] = {}
    for line in lines[foot:]:
        m = _FOOTER.match(line)
        if m:
            meta[FOOTER_KEYS[m.group(1).lower()]] = m.group(2).strip()
    head = lines[:foot]
    # The header ends at a run of 3+ blank lines (the layout puts four before the body).
    gap = None
    run = 0
    for i, line in enumerate(head):
        run = run + 1 if not line.strip() else 0
        if run == 3 and any(x.strip() for x in head[:i]):
            gap = i
            break
    if gap is not None:
        header_blocks, body_blocks = _blocks(head[:gap]), _blocks(head[gap:])
        if not body_blocks:
            raise FormatError("syndicated file with an empty body: no updates")
        blocks = header_blocks + [[line for b in body_blocks for line in b]]
    else:
        blocks = _blocks(head)
    if not blocks:
        raise FormatError("syndicated file with no title and no body")
    outlet = " ".join(blocks[0]) if len(blocks) >= 3 else None
    rest = blocks[1:] if outlet else blocks
    title = " ".join(rest[0]) if len(rest) >= 2 else None
    rest = rest[1:] if title else rest
    caption = " ".join(" ".join(b) for b in rest[:-1]) or None
    body = "\n".join(rest[-1]) if rest else ""
    if not body.strip():
        raise FormatError("syndicated file with an empty body: no updates")
    intro, summary, pieces = split_syndicated_body(body)
    updates = [Update(i, h, f"{h}\n{b}" if h else b) for i, (h, b) in enumerate(pieces)]
    if not updates:
        raise FormatError("syndicated file whose body holds no updates")
    tags = [t.strip() for t in meta.get("tags", "").split(",") if t.strip()]
    return Article(
        file=file, format="syndicated", outlet=outlet, url=meta.get("url") or None, title=title,
        published=_iso_naive(meta.get("published")), lang=detect_language(body), updates=updates,
        caption=caption, author=meta.get("author") or None, intro=intro, summary=summary, tags=tags,
    )


# --- plain text ---------------------------------------------------------------------------------------------

_DATE_LINE_MAX = 50  # characters: longer header lines holding a date are sentences of the intro
_BYLINE = re.compile(r"^(?P<outlet>.{2,60}?)\s+(?:avec|with)\s+(?:AFP|AP|Reuters|agences|agencies)\b", re.I)


def parse_plain(text: str, file: str) -> Article:
    lines = [line.strip() for line in text.split("\n")]
    stamps = [i for i, line in enumerate(lines) if line and parse_time_stamp(line)]
    # A stamp opens an update only when a headline line follows it.
    stamps = [i for i in stamps if i + 1 < len(lines) and lines[i + 1]]
    if not stamps:
        return parse_text(text, file)
    header = [line for line in lines[: stamps[0]] if line]
    title = header[0] if header else None
    published = updated = None
    outlet = None
    intro_lines = []
    p = _patterns()
    for line in header[1:]:
        if (p["published"].search(line) or p["updated"].search(line)) and p["time"].search(line):
            pub, upd = parse_header_dates(line)
            published, updated = published or pub, updated or upd
            continue
        # A short line that is only a date and time ("Tue 12 Nov 2024 09.15 GMT", as pages show it without
        # "Published"), before any other date: the publication time.
        if published is None and len(line) <= _DATE_LINE_MAX and p["time"].search(line):
            pub, _ = parse_header_dates(line)
            if pub is not None:
                published = pub
                continue
        if _is_furniture(line):
            continue
        m = _BYLINE.match(line)
        if m and not outlet:
            outlet = m.group("outlet")
            continue
        intro_lines.append(line)
    # Update.published for each stamp
    kinds = [parse_time_stamp(lines[i]) for i in stamps]
    times = date_stamps(kinds, published, updated)
    updates = []
    for n, i in enumerate(stamps):
        stop = stamps[n + 1] if n + 1 < len(stamps) else len(lines)
        headline = lines[i + 1]
        body, skip = [], False
        for line in lines[i + 2: stop]:
            if skip:
                skip = bool(not line)  # the related title follows the heading, maybe after a blank
                continue
            if not line:
                continue
            kind = _is_furniture(line)
            if kind == "next":
                skip = True
                continue
            if kind:
                continue
            body.append(line)
        text_u = headline + ("\n" + "\n".join(body) if body else "")
        updates.append(Update(len(updates), headline, text_u, times[n]))
    return Article(
        file=file, format="plain", outlet=outlet, url=None, title=title, published=published,
        lang=detect_language("\n".join(u.text for u in updates)), updates=updates, updated=updated,
        intro="\n".join(intro_lines),
    )


def parse_text(text: str, file: str) -> Article:
    """No recognisable structure: one update per block of lines separated by a blank line."""
    updates = []
    for block in _blocks(text.split("\n")):
        lines = [line for line in block if not _is_furniture(line)]
        if not lines:
            continue
        first = lines[0]
        has_headline = len(lines) > 1 and len(first) <= 200 and not first.rstrip().endswith((".", ",", ";", ":"))
        headline = first if has_headline else ""
        updates.append(Update(len(updates), headline, "\n".join(lines)))
    if not updates:
        raise FormatError("no text to read: the file holds no updates")
    return Article(file=file, format="text", outlet=None, url=None, title=None, published=None,
                   lang=detect_language(text), updates=updates)


# --- html ------------------------------------------------------------------------------------------------------

SKIP_TAGS = {"script", "style", "nav", "aside", "noscript", "template", "svg", "form", "button", "iframe", "footer"}
AD_CLASS = re.compile(r"(^|[\s_-])(ad|ads|advert\w*|pub|publicite|sponsor\w*|promo|banner|related|share\w*|social)($|[\s_-])", re.I)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
VOID_TAGS = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col", "embed", "param", "track"}
TEXT_TAGS = {"h1", "h2", "h3", "p", "li", "time", "blockquote", "figcaption"}
# A <span> holding an update's clock time where a page has no <time> element (<span class="date">11:20</span>).
STAMP_CLASS = re.compile(r"(^|[\s_-])(date|time|timestamp|heure|hour)($|[\s_-])", re.I)


@dataclass
class _Item:
    tag: str
    text: str
    datetime: str | None = None
    in_header: bool = False
    has_time: bool = False  # a <time> sits inside this paragraph (a dateline)
    inline: bool = False  # a <time> inside a paragraph (emitted before it)


@dataclass
class _HtmlDoc:
    items: list[_Item] = field(default_factory=list)  # inside <article> (or <body> when there is none)
    outside: list[_Item] = field(default_factory=list)
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    lang: str | None = None
    has_article: bool = False


class _PageReader(HTMLParser):
    """Flatten a page into a list of text items (headings, paragraphs, times), skipping page furniture."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.doc = _HtmlDoc()
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a skipped zone)
        self.skip = 0
        self.article = 0
        self.header = 0
        self.cur: _Item | None = None
        self.cur_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html" and a.get("lang"):
            self.doc.lang = a["lang"]
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key and a.get("content"):
                self.doc.meta[key.lower()] = a["content"]
            return
        if tag == "link" and (a.get("rel") or "").lower() == "canonical" and a.get("href"):
            self.doc.meta["canonical"] = a["href"]
        if tag in VOID_TAGS:
            return
        skipped = tag in SKIP_TAGS or any(AD_CLASS.search(a[k]) for k in ("class", "id") if a.get(k))
        self.stack.append((tag, skipped))
        if skipped:
            self.skip += 1
        if tag == "title":
            self.in_title = True
        if tag == "article":
            self.article += 1
            self.doc.has_article = True
        if tag == "header":
            self.header += 1
        if self.skip:
            return
        if tag == "time":
            if self.cur is not None and self.cur.tag != "time":
                # <time> inside a paragraph: record it, keep the paragraph going
                self.cur.has_time = True
                self._emit(_Item("time", "", a.get("datetime"), self.header > 0, inline=True))
                return
            self._flush()
            self.cur = _Item("time", "", a.get("datetime"), self.header > 0)
            self.cur_depth = len(self.stack)
        elif tag == "span" and self.cur is None and STAMP_CLASS.search(a.get("class") or ""):
            self.cur = _Item("time", "", None, self.header > 0)  # its text is read as a stamp (parse_html)
            self.cur_depth = len(self.stack)
        elif tag in TEXT_TAGS and self.cur is None:
            self.cur = _Item(tag, "", None, self.header > 0)
            self.cur_depth = len(self.stack)

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        # pop to the matching open tag (tolerates unclosed <p> and the like)
        idx = next((k for k in range(len(self.stack) - 1, -1, -1) if self.stack[k][0] == tag), None)
        if idx is None:
            return
        while len(self.stack) > idx:
            t, skipped = self.stack.pop()
            if self.cur is not None and len(self.stack) < self.cur_depth:
                self._flush()
            if skipped:
                self.skip -= 1
            if t == "title":
                self.in_title = False
            if t == "article":
                self.article -= 1
            if t == "header":
                self.header -= 1

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
        if self.skip or self.cur is None:
            return
        self.cur.text += data

    def _emit(self, item: _Item):
        item.text = _ASCII_SPACE.sub(" ", item.text).strip(" ")  # keep U+00A0 (French typography)
        (self.doc.items if self.article else self.doc.outside).append(item)

    def _flush(self):
        if self.cur is not None:
            self._emit(self.cur)
            self.cur = None

    def close(self):
        super().close()
        self._flush()
        self.doc.title = " ".join("".join(self.title_parts).split()) or None


def _merge_stamp_paragraphs(items: list[_Item]) -> list[_Item]:
    """A paragraph that is nothing but a <time> stamp (<p><time datetime="…">09.14 GMT</time></p>) is the
    time item itself, with the paragraph's text; other paragraphs keep their inline times as they were."""
    out: list[_Item] = []
    for it in items:
        prev = out[-1] if out else None
        if (it.has_time and prev is not None and prev.tag == "time" and prev.inline and not prev.text
                and parse_time_stamp(it.text)):
            out[-1] = replace(prev, text=it.text, inline=False)
            continue
        out.append(it)
    return out


def _outlet_from_title(page_title: str | None, h1: str | None) -> str | None:
    """"… - La Voix du Continent", "… | The Northern Courier": a short last part that is not the headline."""
    if not page_title:
        return None
    parts = re.split(r"\s+[|–—-]\s+", page_title)
    if len(parts) < 2:
        return None
    last = parts[-1].strip()
    if 0 < len(last.split()) <= 6 and last != h1 and last.lower() not in ("live", "direct", "en direct"):
        return last
    return None


@dataclass
class _Post:
    """One update as parse_html reads it."""

    datetime: str | None  # its <time datetime>
    headline: str
    paragraphs: list[str] = field(default_factory=list)
    clock: tuple | None = None  # its stamp's text read as a time of day, when it has no datetime


def _clock(stamp: _Item | None) -> tuple | None:
    """What a post's time item says when it has no datetime attribute: its text as a stamp ("11:20")."""
    return None if stamp is None or stamp.datetime else parse_time_stamp(stamp.text)


@dataclass
class _HtmlBlocks:
    """What parse_html reads off a list of page items: the updates and what came before them."""

    posts: list[_Post]
    header_times: list[_Item]
    header_text: list[str]
    intro: list[str]


def _html_blocks(items: list[_Item]) -> _HtmlBlocks:
    """An update starts at a <time> followed by an <h2> before the next <time>, or at a bare <h2>. A post's own
    clock stamp ("09.14 GMT", "18h40": a time of day, no date) starts one even without a headline: the
    paragraphs after it are an update with an empty headline (or the <h3> that opens it), or the body of
    the <h2> that comes next."""
    posts: list[_Post] = []
    header_times: list[_Item] = []
    header_text: list[str] = []
    intro: list[str] = []
    pending_time: _Item | None = None
    cur: _Post | None = None
    headless = False  # cur was opened by a stamp with no headline yet: the next <h2> is its headline
    for it in _merge_stamp_paragraphs(items):
        if it.tag == "time" and not it.in_header and not it.inline and parse_time_stamp(it.text):
            if cur is not None and not cur.paragraphs and cur.datetime is None and cur.clock is None:
                # right after a headline that had no time ("<h2>…</h2><time>11:20</time><p>…"): its time
                cur.datetime, cur.clock = it.datetime, _clock(it)
                continue
            pending_time, cur, headless = it, None, False
            continue
        if it.tag == "time" and not it.in_header:
            if pending_time is not None and cur is None:
                header_times.append(pending_time)
            pending_time = it
            continue
        if it.tag == "time":
            header_times.append(it)
            continue
        if it.tag == "h2" and it.text:
            if headless:
                cur.headline = it.text
            else:
                cur = _Post(pending_time.datetime if pending_time is not None else None, it.text,
                            clock=_clock(pending_time))
                posts.append(cur)
            pending_time, headless = None, False
            continue
        if it.tag == "h1":
            continue
        if (cur is None and pending_time is not None and parse_time_stamp(pending_time.text) and it.text
                and not it.in_header and not _is_furniture(it.text)):
            # A post titled with an <h3> (pages that keep <h2> for sections): its headline.
            titled = it.tag == "h3"
            cur = _Post(pending_time.datetime, it.text if titled else "", clock=_clock(pending_time))
            posts.append(cur)
            pending_time, headless = None, not titled
            if titled:
                continue
        if pending_time is not None and cur is None:
            header_times.append(pending_time)
            pending_time = None
        if it.in_header or cur is None:
            header_text.append(it.text)
            if not it.in_header and it.text and not it.has_time and not _is_furniture(it.text):
                intro.append(it.text)
            continue
        if it.text and not _is_furniture(it.text):
            cur.paragraphs.append(it.text)
    if pending_time is not None and cur is None:
        header_times.append(pending_time)
    return _HtmlBlocks(posts, header_times, header_text, intro)


def parse_html(text: str, file: str) -> Article:
    reader = _PageReader()
    try:
        reader.feed(text)
        reader.close()
    except Exception as e:  # html.parser is lenient; this guards against the unforeseen
        raise FormatError(f"HTML could not be parsed: {e}") from None
    doc = reader.doc
    # The live posts are usually inside <article>; some pages keep them outside and use <article> for teasers:
    # the items that give more updates are the blog.
    candidates = [doc.items, doc.outside] if doc.has_article else [doc.outside]
    items, blocks = max(((its, _html_blocks(its)) for its in candidates), key=lambda ib: len(ib[1].posts))
    h1 = next((it.text for it in items if it.tag == "h1" and it.text), None)
    posts, header_times, header_text, intro = blocks.posts, blocks.header_times, blocks.header_text, blocks.intro
    if not posts:
        raise FormatError("HTML page with no live-blog updates (no <h2> headlines or time-stamped posts found)")
    published = next((_iso_naive(t.datetime) for t in header_times if _iso_naive(t.datetime)), None)
    published = published or _iso_naive(doc.meta.get("article:published_time"))
    updated = None
    for line in header_text:
        if _patterns()["updated"].search(line):
            pub, upd = parse_header_dates(line)
            if upd and not _find_date(line)[0] and published:  # "Mis à jour à 20h03": the published day
                upd = datetime.combine(published.date(), upd.time())
            updated = upd
            break
    updated = updated or _iso_naive(doc.meta.get("article:modified_time"))
    times = [_iso_naive(post.datetime) for post in posts]
    # Posts timed by a clock only ("11:20") are dated like a plain page's stamps.
    read = [i for i, post in enumerate(posts) if post.clock and times[i] is None]
    for i, t in zip(read, date_stamps([posts[i].clock for i in read], published, updated)):
        times[i] = t
    updates = [Update(i, post.headline, "\n".join([post.headline, *post.paragraphs] if post.headline else post.paragraphs),
                      times[i]) for i, post in enumerate(posts)]
    return Article(
        file=file, format="html", outlet=doc.meta.get("og:site_name") or _outlet_from_title(doc.title, h1),
        url=doc.meta.get("canonical") or doc.meta.get("og:url"), title=h1 or doc.title, published=published,
        lang=detect_language("\n".join(u.text for u in updates)), updates=updates, updated=updated,
        intro="\n".join(intro),
    )


# --- entry points ------------------------------------------------------------------------------------------------

_HTML_SNIFF = re.compile(r"<!doctype html|<html[\s>]|<body[\s>]|<article[\s>]", re.I)


def detect_format(text: str) -> str:
    head = text.lstrip()[:2000]
    if head.startswith(SYNDICATED_MARK):
        return "syndicated"
    if _HTML_SNIFF.search(head):
        return "html"
    return "plain"


def parse_article(text: str, file: str = "") -> Article:
    """Detect the format and read header, footer and updates. Raises FormatError with a reason."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FormatError("empty file")
    fmt = detect_format(text)
    if fmt == "syndicated":
        return parse_syndicated(text, file)
    if fmt == "html":
        return parse_html(text, file)
    return parse_plain(text, file)


def read_article(path: str | Path) -> Article:
    """Read, decode and parse one file. Raises FormatError (also for unreadable files)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise FormatError(f"cannot read {path}: {e.strerror or e}") from None
    text, warning = decode_bytes(data)
    if warning:
        import logging

        logging.getLogger(__name__).warning("%s: %s", path, warning)
    return parse_article(text, str(path))
