"""Start-up: time and memory to load the gazetteer and its name automaton (issue: under 1 s, under 400 MB).

Usage: .venv/bin/python bench/gazetteer_load.py [DATA_DIR]

Each run is a fresh interpreter with its own empty cache folder (CONFLICT_MAP_CACHE): a first "cold" run reads
the TSV files and builds the automaton (and writes the cache), then "warm" runs read the cache, as every
`python -m liveblog ingest` after the first does. Prints the best of 3 of each (CPU and wall seconds of
load_gazetteer and of the automaton), peak and final resident memory, the cache's size, and the shipped
file sizes. A read-only or unusable cache folder behaves as "cold" every time.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from geo.gazetteer import load_gazetteer
from geo.matcher import _automaton
out = {{}}
for step, fn in (("gazetteer", lambda: load_gazetteer({data!r})), ("automaton", lambda: _automaton(g))):
    c, w = time.process_time(), time.perf_counter()
    g = fn() if step == "gazetteer" else g
    if step == "automaton":
        fn()
    out[step] = (time.process_time() - c, time.perf_counter() - w)
status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l) if sys.platform == "linux" else {{}}
out["rss_mb"] = int(status.get("VmRSS", "0 kB").split()[0]) / 1024
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["places"], out["keys"] = len(g.places), len(g.names)
print(json.dumps(out))
"""


def run(data: Path, cache: Path) -> dict:
    code = CHILD.format(root=str(ROOT), data=str(data))
    env = {**os.environ, "CONFLICT_MAP_CACHE": str(cache)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out)


def report(label: str, runs: list[dict]) -> None:
    best = min(runs, key=lambda r: r["gazetteer"][1] + r["automaton"][1])
    g, a = best["gazetteer"], best["automaton"]
    print(f"{label}: gazetteer {g[1]:.3f} s + name automaton {a[1]:.3f} s = {g[1] + a[1]:.3f} s wall "
          f"({g[0] + a[0]:.3f} s CPU); RSS {best['rss_mb']:.0f} MB, peak {best['peak_mb']:.0f} MB")


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else ROOT / "geo" / "data"
    with tempfile.TemporaryDirectory() as tmp:
        cold = []
        for i in range(3):
            cold.append(run(data, Path(tmp) / f"cold{i}"))  # a fresh folder: nothing cached yet
        warm = [run(data, Path(tmp) / "cold0") for _ in range(3)]
        size = sum(f.stat().st_size for f in (Path(tmp) / "cold0").iterdir())
        print(f"places {cold[0]['places']}  keys {cold[0]['keys']}")
        report("cold (no cache: read the TSV files, build the automaton, write the cache)", cold)
        report("warm (from the cache)", warm)
        print(f"cache: {size / 1e6:.0f} MB")
    for f in sorted(data.iterdir()):
        if f.is_file():
            print(f"  {f.name:28} {f.stat().st_size / 1e6:6.2f} MB")
    total = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    print(f"  {'total geo/data':28} {total / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
