"""Load the shipped gazetteer (geo/data/places.tsv.gz + names.tsv.gz) into memory.

File format (tab-separated, UTF-8, gzip, first line a header):
  places.tsv.gz  id, name, kind, feature_code, country, admin1, admin2, lat, lon, population, geonameid,
                 hromada, katottg, coords_from
                 kind: settlement | region | country | feature ; lat/lon empty when no source has them;
                 coords_from: "" own point, "hromada" / "raion": the point is that unit's centre (the
                 settlement itself has no coordinates in any source)
  names.tsv.gz   key, place_ids, priors, sources, needs_context — one row per key; the last three are
                 space-separated and parallel to place_ids, which are ranked by prior (best first).
                 key: geo.names.fold(variant); source: where the variant comes from (geonames, katottg,
                 fr, en, uk, ru, de, translit-uk, translit-ru, press-fr, old, region-fr, ...);
                 needs_context "1": the key is also a common word or surname (Mars, Nova, Lyman).
"""
from __future__ import annotations

import gc
import gzip
import hashlib
import os
import pickle
import struct
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

DATA_DIR = Path(__file__).parent / "data"
CACHE_FORMAT = 1  # bump when the pickled objects change shape (Place fields, Gazetteer fields)
_T = TypeVar("_T")


@dataclass(frozen=True)
class Place:
    id: str  # "gn:<geonameid>" for GeoNames places, another prefix otherwise ("kt:<KATOTTG code>", "ne:…")
    name: str  # canonical English name ("Kurakhove", "Donetsk Oblast")
    kind: str  # settlement | region | country | feature
    feature_code: str  # GeoNames feature code (PPL, PPLA, ADM1, PCLI, AIRB, PS …)
    country: str  # ISO 3166-1 alpha-2
    admin1: str  # English name of the oblast / region ("Donetsk Oblast"); "" for countries
    admin2: str  # raion, when known
    lat: float | None
    lon: float | None
    population: int
    geonameid: int | None
    hromada: str = ""  # KATOTTG territorial community ("Kurakhivska hromada"), UA settlements only
    katottg: str = ""  # KATOTTG code ("UA14160110160074716"): the official registry entry
    coords_from: str = ""  # "" own point; "hromada" / "raion": no source has the place's point, lat/lon
    #                        are that unit's administrative centre (precision 2, not 1)

    @property
    def precision(self) -> int:
        """geo_precision of a point on this place: 1 own point, 2 a nearby centre, 3 a region."""
        return 3 if self.kind in ("region", "country") else 2 if self.coords_from else 1


@dataclass
class Gazetteer:
    places: dict[str, Place]
    names: dict[str, tuple[str, ...]]  # folded key → place ids, ranked by prior (best first)
    needs_context: frozenset[str] = frozenset()  # keys that are also common words or surnames
    _priors: dict[str, str] | None = field(default=None, repr=False)  # key → "priors\tsources\tflag"
    _names_path: Path | None = field(default=None, repr=False)  # names.tsv.gz, read again for _priors
    digest: str = field(default="", repr=False)  # content hash of the files it was read from ("" = not
    #                                              from load_gazetteer): keys the caches of what is built on it

    def candidates(self, key: str) -> list[Place]:
        return [self.places[i] for i in self.names.get(key, ())]

    def ranked(self, key: str) -> list[tuple[Place, float]]:
        """Candidates of a key with their priors (kind, rank, population, own point, name provenance)."""
        if self._priors is None:  # few callers need the priors: not kept in memory from the load
            rows = _rows(self._names_path, 3) if self._names_path else []
            self._priors = {r[0]: r[2] for r in rows}
        raw = self._priors.get(key)
        priors = [float(x) for x in raw.split("\t")[0].split()] if raw else [0.0] * len(self.names.get(key, ()))
        return list(zip(self.candidates(key), priors))


def _rows(path: Path, columns: int) -> list[list[str]]:
    """Data rows of a gzip TSV; the last column keeps any tabs past `columns - 1` (not split further)."""
    with gzip.open(path, "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    return [ln.split("\t", columns - 1) for ln in lines[1:] if ln]


_PLACE_FIELDS = tuple(Place.__dataclass_fields__)


def _place(r: list[str]) -> Place:
    # Bypasses the frozen dataclass's __init__ (one object.__setattr__ per field): 50k places load 3× faster.
    p = object.__new__(Place)
    p.__dict__.update(zip(_PLACE_FIELDS, (
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], float(r[7]) if r[7] else None, float(r[8]) if r[8] else None,
        int(r[9]) if r[9] else 0, int(r[10]) if r[10] else None, r[11], r[12], r[13])))
    return p


def read_gazetteer(data_dir: Path) -> Gazetteer:
    # Half a million small objects and no cycles among them: the cyclic GC would rescan them repeatedly.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(data_dir)
    finally:
        if enabled:
            gc.enable()


def _read(data_dir: Path) -> Gazetteer:
    places = {r[0]: _place(r) for r in _rows(data_dir / "places.tsv.gz", 14)}
    rows = _rows(data_dir / "names.tsv.gz", 3)
    names = {key: tuple(ids.split(" ")) for key, ids, _ in rows}
    flagged = frozenset(key for key, _, rest in rows if rest[-1] == "1")
    return Gazetteer(places, names, flagged, _names_path=data_dir / "names.tsv.gz")


@lru_cache(maxsize=None)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    """The shipped gazetteer, loaded once per process (CONFLICT_MAP_GAZETTEER overrides the folder).

    Read from the cache folder when an earlier process has read the same files (see `cached`)."""
    path = Path(data_dir or os.environ.get("CONFLICT_MAP_GAZETTEER") or DATA_DIR)
    files = (path / "places.tsv.gz", path / "names.tsv.gz")
    digest = file_digest(files)

    def read() -> tuple:
        g = read_gazetteer(path)
        return g.places, g.names, g.needs_context

    places, names, flagged = cached("gazetteer", digest, read)
    return Gazetteer(places, names, flagged, _names_path=files[1], digest=digest)


# ---------------------------------------------------------------- cache of what start-up builds
# Reading the gazetteer and building the name automaton take about a second; unpickling their result takes
# a third of that. Entries are keyed by the content of the files they come from (plus this module's
# CACHE_FORMAT and the Python version), so an edited gazetteer is never served stale. A cache that cannot be
# read (missing, truncated, corrupt, stale) is rebuilt; one that cannot be written is skipped.

_MAGIC = b"conflict-map cache\n"
_HEAD = struct.Struct(f"<{len(_MAGIC)}sIQ")  # magic, CRC-32 of the pickle, its length
_MISSING = object()
_KEEP = 2  # entries kept per name: the one just written and the one before it (two gazetteers in turn)


def cache_dir() -> Path:
    """CONFLICT_MAP_CACHE, else $XDG_CACHE_HOME/conflict-map, else ~/.cache/conflict-map."""
    env = os.environ.get("CONFLICT_MAP_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "conflict-map" if base else Path.home() / ".cache" / "conflict-map"


def file_digest(paths, *extra: str) -> str:
    """Hash of the files' contents and of `extra` strings: the key of a cache entry built from them."""
    h = hashlib.blake2b(digest_size=16)
    for x in (f"format {CACHE_FORMAT}", sys.version, *extra):
        h.update(x.encode() + b"\0")
    for p in paths:
        h.update(Path(p).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def cached(name: str, digest: str, build: Callable[[], _T]) -> _T:
    """build(), or the value an earlier process pickled for the same name and digest."""
    try:
        folder = cache_dir()
        if not folder.is_absolute():  # no home directory to put it in
            return build()
        path = folder / f"{name}-{digest}.pickle"
    except (OSError, RuntimeError, KeyError):
        return build()
    value = _read_entry(path, name, digest)
    if value is _MISSING:
        value = build()
        _write_entry(folder, path, name, (name, digest, value))
    return value


def _read_entry(path: Path, name: str, digest: str):
    """The cached value, or _MISSING when there is none fit to use."""
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD.size)
            if len(head) < _HEAD.size or not head.startswith(_MAGIC):
                return _MISSING
            _, crc, size = _HEAD.unpack(head)
            # A checksum first: unpickling damaged bytes of a C extension's object (the automaton) can crash
            # the process. Read in chunks, then unpickled from the file: no copy of the whole file in memory.
            got, n = 0, 0
            while chunk := f.read(1 << 20):
                got, n = zlib.crc32(chunk, got), n + len(chunk)
            if n != size or got != crc:
                return _MISSING
            f.seek(_HEAD.size)
            enabled = gc.isenabled()
            gc.disable()  # many objects, no cycles: see read_gazetteer
            try:
                got_name, got_digest, value = pickle.load(f)
            finally:
                if enabled:
                    gc.enable()
    except Exception:  # noqa: BLE001 (unreadable, or not what was written: another version's objects)
        return _MISSING
    return value if (got_name, got_digest) == (name, digest) else _MISSING


def _write_entry(folder: Path, path: Path, name: str, entry: tuple) -> None:
    """Write to a temporary file, then rename it (atomic: a reader never sees half a file). Any failure (a
    read-only or full disk) is ignored: the cache is only a speed-up.

    The pickling is done in a forked child when this process has no other thread: pickling a large value
    leaves a process's memory bigger for good (pyahocorasick's Automaton even keeps a copy of its whole dump:
    WojciechMula/pyahocorasick#219), and this process goes on to ingest a corpus."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    except OSError:
        return
    try:
        pid = os.fork() if hasattr(os, "fork") and threading.active_count() == 1 else None
    except OSError:
        pid = None
    if pid == 0:  # the child: write, then leave at once (no atexit handlers, no flushing the parent's buffers)
        code = 1
        try:
            _write_file(fd, tmp, path, entry)
            code = 0
        finally:
            os._exit(code)
    if pid is None:
        _write_file(fd, tmp, path, entry)
    else:
        os.close(fd)
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
    try:
        os.unlink(tmp)  # still there when the write failed
    except OSError:
        pass
    try:
        for stale in sorted(folder.glob(f"{name}-*.pickle"), key=_mtime, reverse=True)[_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def _write_file(fd: int, tmp: str, path: Path, entry: tuple) -> None:
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_HEAD.pack(_MAGIC, 0, 0))
            out = _Checksummed(f)
            pickle.dump(entry, out, protocol=pickle.HIGHEST_PROTOCOL)  # streamed: no copy of it in memory
            f.seek(0)
            f.write(_HEAD.pack(_MAGIC, out.crc, out.size))
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001, S110 (a full disk, a value that does not pickle: no cache, no error)
        pass


class _Checksummed:
    """A write-only file that keeps the CRC-32 and length of what goes through it."""

    def __init__(self, f):
        self.f, self.crc, self.size = f, 0, 0

    def write(self, b) -> int:
        self.crc = zlib.crc32(b, self.crc)
        self.size += len(b)
        return self.f.write(b)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0
