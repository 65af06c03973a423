"""Ingest throughput on a corpus (default: the sample corpus): MB/s and updates/s, end to end into SQLite.

Usage: python bench/ingest_throughput.py [PATH …] [--repeat N]
Prints figures; asserts nothing. The gazetteer load is timed apart (it is paid once per process).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer import load_gazetteer  # noqa: E402
from liveblog import pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("paths", nargs="*", type=Path, default=[pipeline.SAMPLE_DIR])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = list(pipeline.iter_input_files(args.paths))
    size = sum(f.stat().st_size for f in files)

    t = time.perf_counter()
    load_gazetteer()
    print(f"gazetteer load: {time.perf_counter() - t:.2f} s")

    best = None
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            report = pipeline.ingest_paths(files, Path(tmp) / "bench.sqlite")
            elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    print(f"corpus: {len(files)} files, {size / 1e6:.3f} MB, {report.updates} updates, {report.events} events")
    print(f"ingest (best of {args.repeat}): {best:.3f} s  →  {size / 1e6 / best:.2f} MB/s, "
          f"{report.updates / best:.0f} updates/s")


if __name__ == "__main__":
    main()
