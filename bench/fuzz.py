"""The long fuzz run: hostile and mutated files ingested next to good ones, round after round.

Prints files tried, crashes (a file whose error is not a clear per-file one, or a batch that died), partial
writes (articles whose stored rows do not match what was written: the doctor's check) and events lost (events
of the good files missing next to hostile ones, against a clean ingest of the good files alone).

    .venv/bin/python bench/fuzz.py --seconds 300 --big     # what `make fuzz` runs
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from liveblog import doctor, pipeline  # noqa: E402
from fuzz_corpus import UNEXPECTED, events_by_file, good_corpus, hostile_corpus, mutate, write_files  # noqa: E402


def limit_memory(gb: float) -> None:
    """Cap the address space, so a runaway allocation is a MemoryError we count, not the OOM killer."""
    limit = int(gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_round(rng: random.Random, n: int, work: Path, files: list[tuple[str, bytes]], good: list) -> dict:
    folder = work / f"round-{n}"
    write_files(folder / "all", good + files)
    write_files(folder / "good", good)
    t0 = time.perf_counter()
    try:
        report = pipeline.ingest_paths([folder / "all"], work / "fuzz.sqlite")
    except BaseException as e:  # the batch died: every file of the round is a crash
        return {"tried": len(good) + len(files), "crashes": [(f"round {n}", f"{type(e).__name__}: {e}")],
                "seconds": time.perf_counter() - t0, "bytes": 0, "partial": 0, "lost": 0}
    seconds = time.perf_counter() - t0
    crashes = [(Path(f).name, why) for f, why in report.rejected if why.startswith(UNEXPECTED)]
    pipeline.ingest_paths([folder / "good"], folder / "reference.sqlite")
    reference, mixed = events_by_file(folder / "reference.sqlite"), events_by_file(work / "fuzz.sqlite")
    lost = sum(len(set(evs) - set(mixed.get(f, []))) for f, evs in reference.items())
    partial = len([p for p in doctor.run_doctor(work / "fuzz.sqlite") if p.startswith("partial")])
    for p in folder.rglob("*"):  # keep the disk use of a long run flat
        if p.is_file():
            p.unlink()
    return {"tried": len(good) + len(files), "crashes": crashes, "seconds": seconds, "partial": partial,
            "lost": lost, "bytes": sum(len(d) for _, d in good + files)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120, help="stop starting rounds after this long")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--big", action="store_true", help="add the 50 MB single-line file and 100,000 updates")
    ap.add_argument("--mutants", type=int, default=40, help="mutated files per round")
    ap.add_argument("--memory-gb", type=float, default=8.0)
    args = ap.parse_args(argv)
    limit_memory(args.memory_gb)
    rng = random.Random(args.seed)
    totals = {"tried": 0, "crashes": [], "partial": 0, "lost": 0, "bytes": 0, "seconds": 0.0}
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="conflict-map-fuzz-") as tmp:
        work = Path(tmp)
        n = 0
        while n == 0 or time.monotonic() - start < args.seconds:
            good = good_corpus(rng, 6, start=n * 1000)
            bases = good_corpus(rng, 8, start=n * 1000 + 500)  # mutants have their own URLs: no clash with good
            files = [(f"r{n}-m{i}-{name}", mutate(rng, data)) for i in range(args.mutants // len(bases) + 1)
                     for name, data in bases][: args.mutants]
            if n == 0:
                files += [(name, data) for name, data, _ in hostile_corpus(rng, big=args.big)]
            got = run_round(rng, n, work, files, good)
            for k in ("tried", "partial", "lost", "bytes", "seconds"):
                totals[k] += got[k]
            totals["crashes"] += got["crashes"]
            print(f"round {n}: {got['tried']} files, {got['seconds']:.1f} s, crashes {len(got['crashes'])}, "
                  f"partial {got['partial']}, lost {got['lost']}", file=sys.stderr)
            n += 1
    print(f"files tried: {totals['tried']}")
    print(f"crashes: {len(totals['crashes'])}")
    print(f"partial writes: {totals['partial']}")
    print(f"events lost: {totals['lost']}")
    print(f"throughput: {totals['bytes'] / 1e6 / max(totals['seconds'], 1e-9):.2f} MB/s "
          f"({totals['bytes'] / 1e6:.1f} MB in {totals['seconds']:.0f} s of ingest)")
    for name, why in totals["crashes"][:20]:
        print(f"crash: {name}: {why[:300]}")
    return 1 if totals["crashes"] or totals["partial"] or totals["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
