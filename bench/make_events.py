"""Make a large synthetic events database for the dashboard bench: N events over P places (default 100,000
over 3,000), written through liveblog.store like real ingests.

    .venv/bin/python bench/make_events.py /tmp/bench.sqlite [--events 100000] [--places 3000]

Deterministic (seeded). Places get a Zipf-like share of the claims (a few front-line towns carry most, as in
real coverage), scattered over Ukraine and western Russia; dates span a year; 1 claim in 5 names two places
and 1 in 20 none. Text is invented filler, not news.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from liveblog import store  # noqa: E402
from liveblog.records import EVENT_COLUMNS  # noqa: E402

ACTOR_WEIGHTS = {"Russia": 38, "Ukraine": 36, "NATO": 5, "USA": 7, "EU": 4, "UN": 4, "North Korea": 1,
                 "Belarus": 1, "Other": 4}
TYPES = ("territorial", "strike", "casualties", "arrest", "diplomatic", "humanitarian", "denial", "statement")
OUTLETS = (("L'Express", "fr"), ("Le Monde", "fr"), ("The Guardian", "en"), ("Kyiv Independent", "en"),
           ("France 24", "fr"), ("Reuters", "en"))
REGIONS = ("Donetsk Oblast", "Kharkiv Oblast", "Zaporizhzhia Oblast", "Kherson Oblast", "Luhansk Oblast",
           "Dnipropetrovsk Oblast", "Sumy Oblast", "Kyiv Oblast", "Odesa Oblast", "Kursk Oblast",
           "Belgorod Oblast", "Mykolaiv Oblast")
SYLLABLES = ("ka", "ro", "va", "ne", "ly", "po", "kro", "vsk", "ivka", "dar", "slav", "mir", "hor", "bil")
START = date(2024, 1, 1)


def _places(rng: random.Random, n: int) -> list[tuple]:
    out = []
    for i in range(n):
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() + f"-{i}"
        lat, lon = rng.uniform(45.5, 52.3), rng.uniform(23.0, 40.0)
        precision = 1 if i % 10 else (2 if i % 20 else 3)
        out.append((name, REGIONS[i % len(REGIONS)], "RU" if lon > 38.5 else "UA", round(lat, 5), round(lon, 5),
                    precision))
    return out


def make(db: Path, n_events: int = 100_000, n_places: int = 3_000, per_article: int = 200, seed: int = 7) -> dict:
    rng = random.Random(seed)
    places = _places(rng, n_places)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(n_places)]  # Zipf-like
    actors, actor_w = list(ACTOR_WEIGHTS), list(ACTOR_WEIGHTS.values())
    t0 = time.perf_counter()
    n_written = n_articles = 0
    with closing(store.connect(db)) as conn:
        while n_written < n_events:
            a = n_articles
            outlet, lang = OUTLETS[a % len(OUTLETS)]
            url = f"https://bench.example/{a}"
            published = START + timedelta(days=a * 366 // max(1, n_events // per_article))
            events, claim_i = [], 0
            while len(events) < per_article and n_written + len(events) < n_events:
                day = published - timedelta(days=rng.choice((0, 0, 0, 1, 2)))
                actor, ctype = rng.choices(actors, actor_w)[0], rng.choice(TYPES)
                k = rng.random()
                named = [] if k < 0.05 else rng.choices(places, weights, k=2 if k > 0.8 else 1)
                named = named[:max(1, n_events - n_written - len(events))]  # exactly n_events rows
                claim = (f"According to {actor}, claim {a}-{claim_i} of type {ctype} about "
                         f"{' and '.join(p[0] for p in named) or 'the front'}: forces reported movement.")
                for j, p in enumerate(named or [None]):
                    row = {c: None for c in EVENT_COLUMNS}
                    row.update(event_id=f"{a}-{claim_i}-{j}", event_date=day.isoformat(), date_precision="day",
                               published_at=f"{published.isoformat()}T12:00:00", actor=actor,
                               actor_detail=f"{actor} spokesperson", claim_type=ctype, claim=claim,
                               headline=f"Update {claim_i // 3}", source=outlet, source_url=url, language=lang,
                               title=f"Live blog {a}", file=f"bench-{a}.txt", update_index=claim_i // 3)
                    if p:
                        name, admin1, country, lat, lon, precision = p
                        row.update(place=name, place_surface=name, admin1=admin1, country=country, latitude=lat,
                                   longitude=lon, geo_precision=precision,
                                   geo_confidence=round(rng.uniform(0.3, 1.0), 2))
                    events.append(row)
                claim_i += 1
            store.write_article(conn, store.ArticleRow(url, f"hash-{a}", f"bench-{a}.txt", "plain", outlet, url,
                                                       f"Live blog {a}", f"{published.isoformat()} 12:00:00",
                                                       lang, claim_i // 3 + 1), events, [])
            n_written += len(events)
            n_articles += 1
    return {"events": n_written, "articles": n_articles, "places": n_places, "seconds": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--places", type=int, default=3_000)
    args = ap.parse_args()
    if args.db.exists():
        sys.exit(f"{args.db} exists: give a new path")
    info = make(args.db, args.events, args.places)
    print(f"{info['events']} events in {info['articles']} articles over {info['places']} places "
          f"written to {args.db} in {info['seconds']:.1f} s")


if __name__ == "__main__":
    main()
