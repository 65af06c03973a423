"""The command line: `extract` JSON Lines contract, `ingest` summary; the seed checks of issue #2."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from liveblog import store
from liveblog.__main__ import main

REPO = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "pipeline"
SEEDS = REPO.parent / "shared" / "seeds"
PLACE_KEYS = {"surface", "start", "end", "name", "admin1", "country", "lat", "lon", "geonameid", "precision",
              "confidence"}
CLAIM_KEYS = {"sentence", "actor", "actor_detail", "type", "event_date", "date_precision", "places",
              "figures", "group_id"}


def extract(*files) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "liveblog", "extract", *map(str, files)], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_extract_json_contract():
    rows = extract(FIX / "syndicated_fr.txt")
    assert [r["index"] for r in rows] == [0, 1]
    assert set(rows[0]) == {"file", "outlet", "url", "title", "published", "lang", "index", "headline", "text",
                            "places", "claims"}
    assert rows[0]["headline"] == "Moscou revendique la prise d’un village près de Kourakhové"
    assert rows[0]["lang"] == "fr" and rows[0]["url"] == "https://courrier.example/ukraine/direct-3-novembre"
    for r in rows:
        assert r["text"].startswith(r["headline"])
        for p in r["places"]:
            assert set(p) == PLACE_KEYS
            assert r["text"][p["start"]:p["end"]] == p["surface"]
        for c in r["claims"]:
            assert set(c) == CLAIM_KEYS
            assert c["sentence"] in r["text"]
            assert all(0 <= i < len(r["places"]) for i in c["places"])


def test_extract_reports_a_bad_file_and_goes_on(capsys):
    code = main(["extract", str(FIX / "empty.txt"), str(FIX / "plain_en.txt")])
    out, err = capsys.readouterr()
    assert code == 1 and "empty.txt" in err
    assert len(out.splitlines()) == 3


def test_ingest_prints_summary(tmp_path, capsys):
    code = main(["ingest", "--quiet", "--db", str(tmp_path / "t.sqlite"), str(FIX)])
    out = capsys.readouterr().out
    assert code == 0
    assert "rejected 4" in out and "binary.txt" in out and "names not resolved" in out


@pytest.fixture(scope="module")
def seed():
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip("../shared/seeds not present")
    gold = json.loads((SEEDS / "gold.jsonl").read_text(encoding="utf-8").splitlines()[0])
    return extract(*files), gold


def test_seed_headlines(seed):
    rows, gold = seed
    assert [r["headline"] for r in rows] == gold["headlines"]
    assert all(r["lang"] == "fr" for r in rows)


def _resolved(rows):
    return {(p["surface"], p["name"], p["admin1"], p["country"]) for r in rows for p in r["places"]}


@pytest.mark.parametrize("surface,name,admin1", [
    ("Kourakhové", "Kurakhove", "Donetsk Oblast"),
    ("Selydové", "Selydove", "Donetsk Oblast"),
    ("Pokrovsk", "Pokrovsk", "Donetsk Oblast"),
    ("Izmaïlivka", "Izmailivka", "Donetsk Oblast"),
])
def test_seed_places(seed, surface, name, admin1):
    rows, _ = seed
    assert (surface, name, admin1, "UA") in _resolved(rows)


def test_seed_regions_and_foreign_places(seed):
    rows, _ = seed
    places = [p for r in rows for p in r["places"]]
    koursk = [p for p in places if "Koursk" in p["surface"] and p["name"]]
    assert koursk and all(p["name"] == "Kursk Oblast" and p["precision"] == 3 for p in koursk)
    donetsk = [p for p in places if p["surface"].endswith("de Donetsk")]
    assert donetsk and all(p["name"] == "Donetsk Oblast" for p in donetsk)
    izm = next(p for p in places if p["surface"] == "Izmaïlivka")
    assert abs(izm["lat"] - 48.05) < 0.06 and abs(izm["lon"] - 37.3) < 0.1  # ~8 km north of Kurakhove
    assert not any(p["country"] == "UA" for p in places if p["surface"] in ("Bruxelles", "Islande"))
    text_of = {r["index"]: r["text"] for r in rows}
    for r in rows:
        for p in r["places"]:
            assert text_of[r["index"]][p["start"]:p["end"]] == p["surface"]
            after = text_of[r["index"]][p["end"]:p["end"] + 12]
            assert not (p["surface"] in ("Moscou", "Kiev") and after.startswith((" revendique", " a annoncé")))


def test_seed_actors(seed):
    rows, _ = seed
    claims = [c for r in rows for c in r["claims"]]

    def actor_of(fragment):
        return {c["actor"] for c in claims if fragment in c["sentence"]}

    assert actor_of("village d’Izmaïlivka") == {"Russia"}
    assert actor_of("ont déclaré les services ukrainiens de sécurité") == {"Ukraine"}
    assert actor_of("a dit Mark Rutte") == {"NATO"}
    assert "Ukraine" in {c["actor"] for c in claims if "Zelensky" in c["sentence"]}
    assert actor_of("Le bureau du procureur général d’Ukraine a annoncé") == {"Ukraine"}


def test_ingest_workers_print_the_same_summary(tmp_path, capsys):
    outs = []
    for workers in ("1", "2"):
        main(["ingest", "--quiet", "--workers", workers, "--db", str(tmp_path / f"w{workers}.sqlite"), str(FIX)])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] and "rejected 4" in outs[0]


def test_ingest_on_local_dask(tmp_path, capsys):
    pytest.importorskip("distributed")
    code = main(["ingest", "--quiet", "--dask", "local", "--workers", "1", "--db", str(tmp_path / "d.sqlite"),
                 str(FIX)])
    out = capsys.readouterr().out
    assert code == 0 and "rejected 4" in out and "binary.txt" in out


def test_export_parquet_command(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    db = tmp_path / "t.sqlite"
    main(["ingest", "--quiet", "--workers", "1", "--db", str(db), str(FIX)])
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--parquet", str(tmp_path / "pq")]) == 0
    out = capsys.readouterr().out
    parts = sorted(p.name for p in (tmp_path / "pq").iterdir())
    assert parts and all(p.startswith("month=") for p in parts)
    assert out.startswith(f"{len(store.load_events(db))} events")


def test_dashboard_command_passes_streamlit_options_and_rejects_them_elsewhere(monkeypatch, capsys):
    from liveblog import __main__ as cli

    seen = {}
    monkeypatch.setattr(cli, "cmd_dashboard", lambda args: seen.setdefault("args", args.streamlit_args) and 0)
    cli.main(["dashboard", "--server.port", "8502", "--server.headless", "true"])
    assert seen["args"] == ["--server.port", "8502", "--server.headless", "true"]
    with pytest.raises(SystemExit):
        cli.main(["doctor", "--server.port", "8502"])
    assert "unrecognized arguments" in capsys.readouterr().err
