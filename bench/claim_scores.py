"""Claim extraction against the gold: precision/recall of claim sentences, actor, type and date accuracy.

Usage: python bench/claim_scores.py [-v]      (reads ../shared/seeds and ../shared/devset)
Scores count attributed claims only (the gold annotates no unattributed report); the last lines print claim
extraction throughput (claims + dates + figures, sentences split beforehand) with and without unattributed reports.
A gold claim is found by its quote_start inside its update (devset: `update`, 1-based; the seed has no
index, so every update and the intro are searched). A predicted claim matches it when the predicted
sentence contains the start of quote_start. -v prints every miss, false alarm and wrong field.
"""
from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from liveblog.claims import extract_claims  # noqa: E402
from liveblog.formats import parse_article  # noqa: E402
from liveblog.records import Update  # noqa: E402
from liveblog.segment import split_sentences  # noqa: E402

SHARED = ROOT.parent / "shared"
_STOP = {"of", "the", "de", "region", "governor", "mayor", "ukrainian", "russian", "us", "head", "city", "(", ")"}


def detail_close(pred: str, gold: str) -> bool:
    """Loose actor_detail agreement: the same body or person named, wording aside."""
    tok = lambda s: {t for t in re.findall(r"[\w'-]+", s.lower()) if t not in _STOP and len(t) > 2}  # noqa: E731
    p, g = tok(pred), tok(gold)
    return bool(p and g) and (p <= g or g <= p or len(p & g) >= 2 or (len(p & g) == 1 and min(len(p), len(g)) == 1))


def score_file(path: Path, gold: dict, verbose: bool) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    article = parse_article(text, path.name)
    updates: list[tuple[int, Update]] = [(i + 1, u) for i, u in enumerate(article.updates)]
    if "update" not in (gold["claims"][0] if gold["claims"] else {"update": 1}) and article.intro:
        updates.append((0, Update(-1, "", article.intro, article.published)))  # the seed annotates the intro
    preds = []
    for index, update in updates:
        sentences = split_sentences(update.text)
        published = update.published or article.published
        for c in extract_claims(
            update.text, sentences, lang=article.lang, outlet=article.outlet, published=published,
            headline=update.headline,
        ):
            preds.append({"update": index, "claim": c, "text": update.text, "hit": False})
    rows = []
    for g in gold["claims"]:
        where = [(i, u) for i, u in updates if g.get("update", i) == i and g["quote_start"] in u.text]
        row = {"file": path.name, "lang": gold["lang"], "gold": g, "pred": None}
        if where:
            index, update = where[0]
            pos = update.text.find(g["quote_start"])
            for p in preds:
                c = p["claim"]
                if p["update"] == index and c.start <= pos < c.end:
                    row["pred"], p["hit"] = c, True
                    break
        rows.append(row)
    false_alarms = [p for p in preds if not p["hit"]]
    for row in rows:
        row["false_alarms"] = 0
    if rows:
        rows[0]["false_alarms"] = len(false_alarms)
    if verbose:
        print(f"== {path.name}")
        for row in rows:
            g, c = row["gold"], row["pred"]
            if c is None:
                print(f"  MISS   [{g['actor']}/{g['type']}] {g['quote_start']}")
                continue
            bad = []
            if c.actor != g["actor"]:
                bad.append(f"actor {c.actor}≠{g['actor']}")
            if c.type != g["type"]:
                bad.append(f"type {c.type}≠{g['type']}")
            if str(c.event_date) != g["event_date"]:
                bad.append(f"date {c.event_date}≠{g['event_date']}")
            if not detail_close(c.actor_detail, g["actor_detail"]):
                bad.append(f"detail {c.actor_detail!r}≠{g['actor_detail']!r}")
            if bad:
                print(f"  WRONG  {'; '.join(bad)} :: {c.sentence[:90]}")
        for p in false_alarms:
            c = p["claim"]
            print(f"  EXTRA  [{c.actor}/{c.actor_detail}/{c.type}] {c.sentence[:110]}")
    return rows


def summary(rows: list[dict], label: str) -> str:
    gold = len(rows)
    found = [r for r in rows if r["pred"] is not None]
    alarms = sum(r["false_alarms"] for r in rows)
    pred = len(found) + alarms
    acc = lambda f: sum(f(r) for r in found) / len(found) if found else 0.0  # noqa: E731
    return (
        f"{label:8s} gold {gold:3d}  pred {pred:3d}  P {len(found) / pred if pred else 0:.2f}  "
        f"R {len(found) / gold if gold else 0:.2f}  actor {acc(lambda r: r['pred'].actor == r['gold']['actor']):.2f}  "
        f"detail~ {acc(lambda r: detail_close(r['pred'].actor_detail, r['gold']['actor_detail'])):.2f}  "
        f"type {acc(lambda r: r['pred'].type == r['gold']['type']):.2f}  "
        f"date {acc(lambda r: str(r['pred'].event_date) == r['gold']['event_date']):.2f}"
    )


def throughput(folders: list[Path], repeat: int = 20) -> None:
    """MB/s of extract_claims over every update of the sets (segmentation done beforehand, not timed)."""
    work = []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".txt", ".html") or path.name.startswith("check"):
                continue
            article = parse_article(path.read_text(encoding="utf-8"), path.name)
            for u in article.updates:
                work.append((u, split_sentences(u.text), article))
    size = sum(len(u.text.encode("utf-8")) for u, _, _ in work) * repeat
    for unattributed in (False, True):
        t0 = time.process_time()
        for _ in range(repeat):
            for u, sentences, a in work:
                extract_claims(u.text, sentences, lang=a.lang, outlet=a.outlet, published=u.published or a.published,
                               headline=u.headline, unattributed=unattributed)
        cpu = time.process_time() - t0
        label = "with unattributed" if unattributed else "attributed only"
        print(f"throughput ({label}): {size / 1e6 / cpu:.2f} MB/s CPU ({size / 1e6:.1f} MB in {cpu:.2f} s)")


def main() -> None:
    verbose = "-v" in sys.argv
    if not SHARED.exists():
        sys.exit(f"no {SHARED}")
    sets = [(SHARED / "seeds", SHARED / "seeds" / "gold.jsonl"), (SHARED / "devset", SHARED / "devset" / "gold.jsonl")]
    by_set: dict[str, list[dict]] = defaultdict(list)
    for folder, gold_path in sets:
        for line in gold_path.read_text(encoding="utf-8").splitlines():
            gold = json.loads(line)
            by_set[folder.name] += score_file(folder / gold["file"], gold, verbose)
    for name, rows in by_set.items():
        print(summary(rows, name))
        if name == "devset":
            for lang in ("fr", "en"):
                print(summary([r for r in rows if r["lang"] == lang], f"  {lang}"))
    throughput([folder for folder, _ in sets])


if __name__ == "__main__":
    main()
