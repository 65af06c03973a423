"""Time and memory to load the shipped gazetteer (issue: under 1 s and under 400 MB).

Usage: .venv/bin/python bench/gazetteer_load.py [DATA_DIR]

Each run loads in a fresh interpreter (nothing cached): prints the best of 3 wall times, the process's
peak resident memory and the peak of Python allocations during the load, and the shipped file sizes.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time, tracemalloc
sys.path.insert(0, {root!r})
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from geo.gazetteer import read_gazetteer
from pathlib import Path
trace = {trace}
if trace:
    tracemalloc.start()
t = time.perf_counter()
g = read_gazetteer(Path({data!r}))
dt = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1] if trace else 0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"s": dt, "rss_mb": rss / 1024, "base_mb": base / 1024, "py_peak_mb": peak / 2**20,
                  "places": len(g.places), "keys": len(g.names)}}))
"""


def run(data: Path, trace: bool) -> dict:
    code = CHILD.format(root=str(ROOT), data=str(data), trace=trace)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else ROOT / "geo" / "data"
    times = [run(data, False) for _ in range(3)]
    best = min(times, key=lambda r: r["s"])
    traced = run(data, True)
    print(f"places {best['places']}  keys {best['keys']}")
    print(f"load time (best of 3, fresh process): {best['s']:.3f} s")
    print(f"peak RSS of the process: {best['rss_mb']:.0f} MB (interpreter before import: {best['base_mb']:.0f} MB)")
    print(f"peak Python allocations during the load: {traced['py_peak_mb']:.0f} MB")
    for f in sorted(data.iterdir()):
        if f.is_file():
            print(f"  {f.name:28} {f.stat().st_size / 1e6:6.2f} MB")
    total = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    print(f"  {'total geo/data':28} {total / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
