"""The start-up cache (geo.gazetteer.cached): gazetteer and name automaton unpickled from the cache folder
instead of rebuilt, and never a failure because of the cache (corrupt, stale, unwritable)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geo import gazetteer, matcher
from geo.gazetteer import cached, load_gazetteer, read_gazetteer

FIXTURE = Path(__file__).parent / "fixtures" / "gazetteer"
TEXT = "Les forces russes ont frappé Kourakhové et Pokrovsk, selon Kiev. Frappes sur Idlib."


def fresh_load(data: Path):
    return load_gazetteer.__wrapped__(str(data))  # past the per-process lru_cache, as a new process would


def entries(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f"{name}-*.pickle"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONFLICT_MAP_CACHE", str(folder))
    return folder


def hits(gaz):
    return matcher.raw_hits(TEXT, gaz)


def test_second_load_comes_from_the_cache_and_equals_a_plain_read(cache):
    first = fresh_load(FIXTURE)
    assert hits(first)  # builds (and caches) the automaton
    assert len(entries(cache, "gazetteer")) == 1 and len(entries(cache, "names-automaton")) == 1
    second = fresh_load(FIXTURE)
    plain = read_gazetteer(FIXTURE)
    assert second.places == plain.places and second.names == plain.names
    assert second.needs_context == plain.needs_context and second.digest == first.digest
    assert hits(second) == hits(plain) and hits(second)


def test_cache_cannot_be_read_is_rebuilt(cache):
    fresh_load(FIXTURE)
    for damage in (lambda b: b[: len(b) // 2], lambda b: b[:-40] + bytes(40), lambda b: b"not a cache"):
        for path in entries(cache, "gazetteer"):
            path.write_bytes(damage(path.read_bytes()))
        g = fresh_load(FIXTURE)
        assert g.places == read_gazetteer(FIXTURE).places
        # ... and the entry is written again, whole
        assert gazetteer._read_entry(entries(cache, "gazetteer")[0], "gazetteer", g.digest) is not gazetteer._MISSING


def test_damaged_automaton_is_rebuilt_not_unpickled(cache):
    # A damaged automaton pickle can crash the interpreter: the checksum must catch it first.
    assert hits(fresh_load(FIXTURE))
    (path,) = entries(cache, "names-automaton")
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data), 97):
        data[i] ^= 0x55
    path.write_bytes(bytes(data))
    assert hits(fresh_load(FIXTURE)) == hits(read_gazetteer(FIXTURE))


def test_changed_files_are_not_served_stale(cache, tmp_path):
    data = tmp_path / "gaz"
    shutil.copytree(FIXTURE, data)
    old = fresh_load(data)
    assert "Kourakhové" in {m.surface for m in matcher.find_mentions(TEXT, old)}
    rows = read_gazetteer(data)
    # Rewrite the fixture without any key of Kurakhove: a new digest, a new entry, the old name gone.
    import gzip

    with gzip.open(data / "names.tsv.gz", "rt", encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("kourakhove")]
    with gzip.open(data / "names.tsv.gz", "wt", encoding="utf-8") as f:
        f.writelines(lines)
    new = fresh_load(data)
    assert new.digest != old.digest and "kourakhove" not in new.names and "kourakhove" in rows.names
    assert "Kourakhové" not in {m.surface for m in matcher.find_mentions(TEXT, new)}
    assert len(entries(cache, "gazetteer")) <= gazetteer._KEEP


def test_unwritable_cache_folder_works_without_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CONFLICT_MAP_CACHE", str(blocker / "cache"))  # cannot be created, whoever runs this
    g = fresh_load(FIXTURE)
    assert g.places == read_gazetteer(FIXTURE).places and hits(g) == hits(read_gazetteer(FIXTURE))


def test_cache_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_MAP_CACHE", str(tmp_path / "x"))
    assert gazetteer.cache_dir() == tmp_path / "x"
    monkeypatch.delenv("CONFLICT_MAP_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert gazetteer.cache_dir() == tmp_path / "xdg" / "conflict-map"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert gazetteer.cache_dir() == Path.home() / ".cache" / "conflict-map"


def test_a_value_that_cannot_be_pickled_is_still_returned(cache):
    value = {"f": lambda: 1}  # a lambda does not pickle
    assert cached("test", "d1", lambda: value) is value
    assert not entries(cache, "test") and not list(cache.glob("*.tmp"))
    assert cached("test", "d2", lambda: [1, 2]) == [1, 2]
    assert cached("test", "d2", lambda: [3]) == [1, 2]  # read back, not rebuilt
