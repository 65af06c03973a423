"""The store: schema, idempotent per-file writes, atomicity, DataFrame loading."""
import sqlite3

import pytest

from liveblog import store
from liveblog.records import EVENT_COLUMNS


def _article(key="https://example.test/a", content_hash="h1", file="a.txt"):
    return store.ArticleRow(key, content_hash, file, "plain", "Outlet", key, "Title", "2024-10-28 13:15:52",
                            "fr", 2)


def _event(i, **kw):
    row = {c: None for c in EVENT_COLUMNS}
    row.update(event_id=f"e{i}", event_date="2024-10-27", date_precision="day", actor="Russia",
               actor_detail="Russian Ministry of Defence", claim_type="territorial", claim=f"claim {i}",
               place="Kurakhove", latitude=47.98, longitude=37.28, geo_precision=1, geo_confidence=0.9,
               update_index=0)
    row.update(kw)
    return row


def test_same_content_twice_adds_nothing(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    assert store.write_article(conn, _article(), [_event(1), _event(2)], []) == "added"
    assert store.write_article(conn, _article(), [_event(1), _event(2)], []) == "unchanged"
    assert len(store.load_events(db)) == 2
    assert store.count_articles(db) == 1


def test_new_version_of_an_article_replaces_its_rows(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    old_mentions = [store.Mention(0, 5, "Kourakhové", "Kurakhove", "1", 0.9, ""),
                    store.Mention(1, 9, "Koursk", "Kursk", "2", 0.9, "")]
    store.write_article(conn, _article(), [_event(1), _event(2)], old_mentions)
    store.write_article(conn, _article("https://example.test/other", file="b.txt"), [_event(7)], old_mentions)
    new_mentions = [store.Mention(0, 5, "Kurakhove", "Kurakhove", "1", 0.8, "")]
    assert store.write_article(conn, _article(content_hash="h2"), [_event(3)], new_mentions) == "replaced"
    assert sorted(store.load_events(db)["event_id"]) == ["e3", "e7"]
    # the old version's mentions are gone with it, the other article's stay, and no row is orphaned
    mentions = store.load_table("mentions", db)
    assert sorted(zip(mentions["article_key"], mentions["surface"])) == [
        ("https://example.test/a", "Kurakhove"), ("https://example.test/other", "Kourakhové"),
        ("https://example.test/other", "Koursk")]
    assert store.check_integrity(conn) == []


def test_failed_write_leaves_nothing_and_keeps_what_was_stored(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_event(1)], [])
    bad = _event(2)
    bad["event_id"] = ["not", "bindable"]  # sqlite cannot bind a list: the insert fails mid-file
    with pytest.raises(sqlite3.Error):
        store.write_article(conn, _article("https://example.test/b", "h9", "b.txt"), [_event(5), bad], [])
    df = store.load_events(db)
    assert list(df["event_id"]) == ["e1"]
    assert store.count_articles(db) == 1


def _stored_ids(db):
    with store.read_transaction(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT event_id FROM events"))


def test_writer_commits_in_groups_and_on_close(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    with store.Writer(conn, max_files=2, max_seconds=3600) as w:
        assert w.write_article(_article("https://example.test/a"), [_event(1)], []) == "added"
        assert _stored_ids(db) == []  # another connection sees nothing until the group commits
        assert w.write_article(_article("https://example.test/b"), [_event(2)], []) == "added"
        assert _stored_ids(db) == ["e1", "e2"]
        w.log("bad.txt", "rejected", "not a live blog")
        assert w.write_article(_article("https://example.test/a"), [_event(1)], []) == "unchanged"
    assert _stored_ids(db) == ["e1", "e2"]
    log = store.load_table("ingest_log", db)
    assert list(log["status"]) == ["added", "added", "rejected", "unchanged"]


def test_writer_drops_only_the_failing_file_of_a_group(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    bad = _event(3)
    bad["event_id"] = ["not", "bindable"]
    with store.Writer(conn, max_files=10) as w:
        w.write_article(_article("https://example.test/a"), [_event(1)], [])
        with pytest.raises(sqlite3.Error):
            w.write_article(_article("https://example.test/b", "h9", "b.txt"), [_event(2), bad], [])
        w.write_article(_article("https://example.test/c", "h3", "c.txt"), [_event(4)], [])
    assert _stored_ids(db) == ["e1", "e4"]
    assert store.count_articles(db) == 2
    assert store.check_integrity(conn) == []


def test_writer_keeps_whole_files_written_before_an_error(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    with pytest.raises(KeyboardInterrupt):
        with store.Writer(conn, max_files=10) as w:
            w.write_article(_article("https://example.test/a"), [_event(1), _event(2)], [])
            raise KeyboardInterrupt
    assert _stored_ids(db) == ["e1", "e2"]


def test_load_events_types_and_columns(tmp_path):
    db = tmp_path / "t.sqlite"
    store.write_article(store.connect(db), _article(), [_event(1), _event(2, place=None, latitude=None,
                                                                         longitude=None, geo_precision=None)], [])
    df = store.load_events(db)
    assert tuple(df.columns) == EVENT_COLUMNS
    assert str(df["event_date"].dtype).startswith("datetime64")
    assert df["latitude"].isna().sum() == 1


def test_db_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_MAP_DB", str(tmp_path / "env.sqlite"))
    assert store.default_db_path() == tmp_path / "env.sqlite"


def test_wal_mode(tmp_path):
    conn = store.connect(tmp_path / "t.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- corrections --------------------------------------------------------------------------------------------

KRAMATORSK = dict(place_id="gn:704508", admin1="Donetsk Oblast", country="UA", latitude=48.72, longitude=37.56,
                  geo_precision=1)


def _placed(i, place, surface=None, claim=None, update_index=0):
    return _event(i, place=place, place_surface=surface or place, claim=claim or f"claim {i}",
                  update_index=update_index)


def test_a_correction_repoints_stored_events_at_once_and_can_be_undone(tmp_path):
    db = tmp_path / "t.sqlite"
    store.write_article(store.connect(db), _article(), [_placed(1, "Kurakhove", "Kourakhové"), _placed(2, "Kyiv")],
                        [])
    store.add_correction(db, store.Correction("KOURAKHOVE", "Kramatorsk", **KRAMATORSK))
    df = store.load_events(db)
    row = df[df["event_id"] == "e1"].iloc[0]
    assert (row["place"], row["latitude"], row["geo_confidence"]) == ("Kramatorsk", 48.72, 1.0)
    assert row["place_surface"] == "Kourakhové"  # the text is kept as written
    assert df[df["event_id"] == "e2"].iloc[0]["place"] == "Kyiv"
    assert set(store.load_events(db, corrected=False)["place"]) == {"Kurakhove", "Kyiv"}
    assert store.delete_correction(db, "Kourakhové")
    assert set(store.load_events(db)["place"]) == {"Kurakhove", "Kyiv"}


def test_not_a_place_keeps_each_claim_once(tmp_path):
    db = tmp_path / "t.sqlite"
    events = [
        _placed(1, "Kharkiv", "Washington", claim="Washington said it would send more aid."),
        _placed(2, "Kharkiv", "Washington", claim="Washington and Kyiv met.", update_index=1),
        _placed(3, "Kyiv", claim="Washington and Kyiv met.", update_index=1),
    ]
    store.write_article(store.connect(db), _article(), events, [])
    store.add_correction(db, store.Correction("Washington", None))
    df = store.load_events(db).set_index("event_id")
    assert list(df.index) == ["e1", "e3"]
    assert df.loc["e1", "claim"].startswith("Washington said") and df.loc["e1", ["place", "latitude"]].isna().all()
    assert df.loc["e3", "place"] == "Kyiv"


def test_the_most_specific_correction_wins(tmp_path):
    db = tmp_path / "t.sqlite"
    key = "https://example.test/a"
    events = [_placed(1, "Kyiv", "Marinka", claim="Shelling in Marinka district of Donetsk city."),
              _placed(2, "Kyiv", "Marinka", claim="Troops left Marinka.", update_index=1)]
    store.write_article(store.connect(db), _article(key), events, [])
    store.write_article(store.connect(db), _article("https://example.test/b", "h2", "b.txt"),
                        [_placed(3, "Kyiv", "Marinka", claim="Troops left Marinka.")], [])
    store.add_correction(db, store.Correction("Marinka", "Marinka", latitude=47.94, longitude=37.50))
    store.add_correction(db, store.Correction("Marinka", "Marinka (Donetsk city)", latitude=48.0, longitude=37.8,
                                              article_key=key, context="district of Donetsk"))
    places = store.load_events(db).set_index("event_id")["place"].to_dict()
    assert places == {"e1": "Marinka (Donetsk city)", "e2": "Marinka", "e3": "Marinka"}


def test_corrections_survive_reingest_of_a_new_version(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_placed(1, "Kurakhove")], [])
    store.add_correction(conn, store.Correction("Kurakhove", "Kramatorsk", **KRAMATORSK))
    assert store.write_article(conn, _article(content_hash="h2"), [_placed(7, "Kurakhove")], []) == "replaced"
    assert list(store.load_events(db)["place"]) == ["Kramatorsk"]
    assert len(store.load_corrections(db)) == 1


def test_a_correction_needs_a_name_and_coordinates(tmp_path):
    db = tmp_path / "t.sqlite"
    with pytest.raises(ValueError):
        store.add_correction(db, store.Correction("  ", None))
    with pytest.raises(ValueError):
        store.add_correction(db, store.Correction("Kurakhove", "Kramatorsk"))
    assert store.load_corrections(db) == []


def test_correct_places_at_write_time_resolves_and_drops_names():
    from liveblog.records import PlaceMention, Sentence

    text = "Strikes on Novohrodivka.\nWashington reacted."
    unresolved = PlaceMention("Novohrodivka", 11, 23, None, None, None, None, None, None, None, 0.1,
                              candidates=["gn:1", "gn:2"])
    washington = PlaceMention("Washington", 25, 35, "Washington", None, "US", 38.9, -77.0, 4140963, 1, 0.7,
                              place_id="gn:4140963")
    sentences = [Sentence(0, 24, text[:24]), Sentence(25, 44, text[25:])]
    index = store.CorrectionIndex([
        store.Correction("Novohrodivka", "Novohrodivka", place_id="gn:698740", country="UA", latitude=48.2,
                         longitude=37.3, geo_precision=1),
        store.Correction("Washington", None, context="reacted"),
    ])
    out = store.correct_places([unresolved, washington], sentences, "k", index)
    assert len(out) == 1
    assert (out[0].name, out[0].lat, out[0].geonameid, out[0].confidence) == ("Novohrodivka", 48.2, 698740, 1.0)
    assert (out[0].start, out[0].end, out[0].candidates) == (11, 23, ["gn:1", "gn:2"])
    assert unresolved.name is None  # the input is not modified
    assert store.correct_places([washington], [Sentence(25, 35, "Washington")], "k", index) == [washington]


# --- reads under a lock, integrity ----------------------------------------------------------------------------


def test_a_reader_waits_out_a_lock_instead_of_failing(tmp_path, monkeypatch):
    import threading
    import time

    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_event(1)], [])
    conn.close()
    # An exclusive lock holder blocks even WAL readers; SQLite's own wait is made short so the retry must work.
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO ingest_log (at, file, status) VALUES ('now', 'x', 'added')")
    holder.execute("COMMIT")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setattr(store, "RETRY_FOR_S", 10)  # a broken retry fails the test soon
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite3.connect(db, timeout=0.05).execute("SELECT count(*) FROM events").fetchone()

    def release():
        time.sleep(0.5)
        holder.close()

    t = threading.Thread(target=release)
    t.start()
    assert list(store.load_events(db)["event_id"]) == ["e1"]
    t.join()


def test_retry_gives_up_on_errors_that_are_not_locks():
    calls = []

    def broken():
        calls.append(1)
        raise sqlite3.OperationalError("no such table: nowhere")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        store.retry_busy(broken)
    assert len(calls) == 1


def test_integrity_check_finds_a_partial_article(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_event(1), _event(2)], [store.Mention(0, 5, "Kyiv", "Kyiv", None, 1, "")])
    assert store.check_integrity(conn) == []
    conn.execute("DELETE FROM events WHERE event_id = 'e2'")  # what a half-written file would look like
    problems = store.check_integrity(conn)
    assert len(problems) == 1 and "partial article 'a.txt'" in problems[0] and "1 events stored, 2 written" in problems[0]


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    db = tmp_path / "t.sqlite"
    db.write_bytes(b"not a database at all " * 200)
    with pytest.raises(store.StoreError, match="not a usable"):
        store.connect(db)


# --- doctor ---------------------------------------------------------------------------------------------------


def test_doctor_passes_a_sound_database_and_says_so(tmp_path, capsys):
    from liveblog import doctor

    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_event(i) for i in range(50)], [])
    conn.close()
    assert doctor.run_doctor(db) == []
    assert doctor.main(["--db", str(db)]) == 0
    assert "ok" in capsys.readouterr().out
    assert doctor.run_doctor(tmp_path / "missing.sqlite") == [f"{tmp_path / 'missing.sqlite'}: no such database"]
    assert not (tmp_path / "missing.sqlite").exists()  # the doctor creates nothing


def test_doctor_finds_a_damaged_file(tmp_path, capsys):
    from liveblog import doctor

    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_event(i, claim="x" * 500) for i in range(200)], [])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the rows now live in the main file
    conn.close()
    data = bytearray(db.read_bytes())
    page = 4096
    for p in range(2, len(data) // page - 1, 3):  # scribble over the cell area of some pages
        data[p * page + 200 : p * page + 400] = bytes(range(200))
    db.write_bytes(bytes(data))
    problems = doctor.run_doctor(db)
    assert problems and any("integrity" in p or "malformed" in p for p in problems)
    assert doctor.main(["--db", str(db)]) == 1
    assert "problem:" in capsys.readouterr().out


def test_corrections_fingerprint_changes_with_the_corrections():
    a = store.Correction("Kurakhove", "Kramatorsk", **KRAMATORSK)
    b = store.Correction("Washington", None)
    assert store.corrections_fingerprint([]) == ""
    assert store.corrections_fingerprint([a, b]) == store.corrections_fingerprint([b, a])
    assert store.corrections_fingerprint([a]) != store.corrections_fingerprint([a, b])
    moved = store.Correction("Kurakhove", "Kramatorsk", **{**KRAMATORSK, "latitude": 48.0})
    assert store.corrections_fingerprint([moved]) != store.corrections_fingerprint([a])
