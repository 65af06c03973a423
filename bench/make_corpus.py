"""Benchmark corpus generator: N MB of live blogs made from the sample corpus, for timing runs at 1/10/100 MB.

Usage: python bench/make_corpus.py OUT_DIR --mb 10 [--seed 0] [--templates data/sample]

Each output file is one template of the sample corpus (cycled, so both languages and all three formats keep
their shares) with:
  places   every Ukrainian or Russian settlement (capitals aside) the pipeline finds in the template swapped
           for another of the same language's pool (those it finds in the whole sample in that language),
           vowel for vowel so French elisions still read ("d’Avdiïvka" → "d’Izioum");
  actors   in half the files, the two sides swapped (Russian ↔ Ukrainian, Moscou ↔ Kiev, …), so claims
           change side; French adjective agreement may slip, which the pipeline does not care about;
  dates    every date (ISO, "28 octobre 2024", "June 24, 2022") moved by the same whole number of weeks,
           so weekdays ("ce dimanche") still agree with them;
  URL      made unique, so each file is a new article rather than a new version of its template.
Deterministic for a given seed. Needs the gazetteer (to find the places), not the network.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer import load_gazetteer  # noqa: E402
from geo.matcher import load_cues  # noqa: E402
from geo.names import fold  # noqa: E402
from liveblog import pipeline  # noqa: E402
from liveblog.formats import read_article  # noqa: E402

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
    "en_short": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),  # "Tue 29 Aug 2023 07.00 BST"
}
# Whole-word swaps that turn one side's claims into the other's (both directions applied at once).
SIDES = {
    "fr": [("russe", "ukrainien"), ("russes", "ukrainiens"), ("Russie", "Ukraine"), ("Moscou", "Kiev"),
           ("Kremlin", "gouvernement ukrainien")],
    "en": [("Russian", "Ukrainian"), ("Russia", "Ukraine"), ("Moscow", "Kyiv"), ("Kremlin", "Ukrainian government")],
}
SWAPPED_COUNTRIES = {"UA", "RU"}
VOWELS = set("AEIOUYÉÈÊÀÂÎÏÔÖÜ")
FILES_PER_FOLDER = 1000


def place_pools(templates: list[Path]) -> tuple[dict[str, list[str]], dict[Path, list[str]]]:
    """Per language, the settlements the pipeline resolves in the templates; per template, its own."""
    gaz = load_gazetteer()
    seats = load_cues().seats
    pools: dict[str, set[str]] = {}
    own: dict[Path, list[str]] = {}
    for t in templates:
        article = read_article(t)
        # Capitals and seats of power stay: they are speakers too ("Moscou nie"), and a village cannot deny a strike.
        found = {p.surface for r in pipeline.extract_article(article) for p in r.places
                 if p.name and p.kind == "settlement" and p.country in SWAPPED_COUNTRIES
                 and gaz.places[p.place_id].feature_code != "PPLC" and fold(p.surface) not in seats
                 and p.surface[:1].isupper() and " " not in p.surface}
        pools.setdefault(article.lang, set()).update(found)
        own[t] = sorted(found, key=lambda s: (-len(s), s))  # longest first; ties by name, not by set order
    return {lang: sorted(s) for lang, s in pools.items()}, own


def _word_swap(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    alt = "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
    # (?![a-zà-ÿ]) rather than \b: a name glued to the next headline ("DniproLes") is still a word.
    return re.sub(rf"(?<!\w)({alt})(?![a-zà-ÿ])", lambda m: mapping[m.group(1)], text)


def _shift_dates(text: str, lang: str, weeks: int, year: int) -> str:
    delta = timedelta(weeks=weeks)
    fr, en, short = MONTHS["fr"], MONTHS["en"], MONTHS["en_short"]

    def iso(m):
        d = date(int(m[1]), int(m[2]), int(m[3])) + delta
        return d.isoformat()

    def day_month(m):
        months = next(ms for ms in (fr, en, short) if m[3] in ms)
        d = date(int(m[5]) if m[5] else year, months.index(m[3]) + 1, int(m[1])) + delta
        day = "1er" if m[2] and d.day == 1 else str(d.day)
        return f"{day} {months[d.month - 1]}" + (f" {d.year}" if m[5] else "")

    def month_day(m):
        d = date(int(m[4]) if m[4] else year, en.index(m[1]) + 1, int(m[2])) + delta
        return f"{en[d.month - 1]} {d.day}" + (f", {d.year}" if m[4] else "")

    text = re.sub(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", iso, text)
    names = "|".join(fr + en + short)
    text = re.sub(rf"\b(\d{{1,2}})(er)? ({names})( (\d{{4}}))?\b", day_month, text)
    return re.sub(rf"\b({'|'.join(en)}) (\d{{1,2}})(, (\d{{4}}))?\b", month_day, text)


def variant(text: str, lang: str, own: list[str], pool: list[str], rng: random.Random, serial: int) -> str:
    """One new live blog from a template's text."""
    mapping = {}
    for surface in own:
        same_start = [p for p in pool if (p[0] in VOWELS) == (surface[0] in VOWELS)] or pool
        mapping[surface] = rng.choice(same_start)
    if rng.random() < 0.5:
        for a, b in SIDES.get(lang, []):
            mapping.setdefault(a, b)
            mapping.setdefault(b, a)
    text = _word_swap(text, mapping)
    years = [int(y) for y in re.findall(r"\b(20[12]\d)\b", text)]
    text = _shift_dates(text, lang, rng.randint(-60, 60), years[0] if years else 2024)
    return re.sub(r"(https?://[^\s\"<]+\.example/[^\s\"<]*?)(/?)(?=[\s\"<]|$)",
                  lambda m: f"{m[1]}-b{serial:06d}{m[2]}", text)


def make_corpus(out: Path, mb: float, seed: int = 0, templates_dir: Path = pipeline.SAMPLE_DIR) -> tuple[int, int]:
    """Write live blogs under out until mb megabytes; return (files, bytes)."""
    templates = list(pipeline.iter_input_files([templates_dir]))
    pools, own = place_pools(templates)
    texts = {t: (read_article(t).lang, t.read_text(encoding="utf-8")) for t in templates}
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    n = size = 0
    while size < mb * 1e6:
        t = templates[n % len(templates)]
        lang, text = texts[t]
        data = variant(text, lang, own[t], pools.get(lang, []), rng, n).encode("utf-8")
        folder = out / f"{n // FILES_PER_FOLDER:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{n:06d}_{t.name}").write_bytes(data)
        n += 1
        size += len(data)
    return n, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--templates", type=Path, default=pipeline.SAMPLE_DIR)
    args = ap.parse_args()
    n, size = make_corpus(args.out, args.mb, args.seed, args.templates)
    print(f"{n} files, {size / 1e6:.2f} MB in {args.out}")


if __name__ == "__main__":
    main()
