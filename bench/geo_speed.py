"""Print the throughput of geo matching + resolution (MB/s of UTF-8 text, one core).

Usage: .venv/bin/python bench/geo_speed.py [--profile] [FILES…]
Default texts: the sample corpus (data/sample/) and the devset (../shared/devset/), read into update texts
by liveblog.formats; the gazetteer load and the automaton build are done before timing starts.
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from geo.gazetteer import load_gazetteer  # noqa: E402
from geo.resolve import geoparse_article  # noqa: E402
from geo_scores import article_texts  # noqa: E402


def main(argv: list[str]) -> None:
    profile = "--profile" in argv
    files = [Path(a) for a in argv if not a.startswith("--")]
    if not files:
        files = sorted((ROOT / "data" / "sample").glob("[0-9]*"))
        files += sorted((ROOT.parent / "shared" / "devset").glob("[0-9]*"))
    articles = [article_texts(f) for f in files]
    size = sum(len(t.encode("utf-8")) for a in articles for t in a)
    gaz = load_gazetteer()
    geoparse_article(["Kyiv"], "en", gaz)  # builds the name automaton
    # CPU time of this process, best of several passes: the figure should not depend on what else runs.
    times = []
    for _ in range(7):
        t0 = time.process_time()
        for texts in articles:
            geoparse_article(texts, "und", gaz)
        times.append(time.process_time() - t0)
    dt = min(times)
    print(f"{len(files)} files, {size / 1e6:.3f} MB: {dt:.3f} s CPU per pass (best of {len(times)}), "
          f"{size / 1e6 / dt:.2f} MB/s")
    if profile:
        cProfile.runctx("for texts in articles: geoparse_article(texts, 'und', gaz)", globals(), locals(),
                        "/tmp/geo_speed.prof")
        pstats.Stats("/tmp/geo_speed.prof").sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main(sys.argv[1:])
