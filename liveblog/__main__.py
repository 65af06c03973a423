"""Command line: `python -m liveblog extract FILE…` (JSON Lines), `ingest PATH…` and `export --parquet DIR`."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from liveblog import pipeline, store
from liveblog.formats import FormatError, read_article
from liveblog.records import UpdateResult


def update_json(r: UpdateResult) -> dict:
    """The public contract of `extract`: one object per update (documented in the README)."""
    a, u = r.article, r.update
    published = u.published or a.published
    return {
        "file": a.file,
        "outlet": a.outlet,
        "url": a.url,
        "title": a.title,
        "published": published.isoformat() if published else None,
        "lang": a.lang,
        "index": u.index,
        "headline": u.headline,
        "text": u.text,
        "places": [
            {"surface": p.surface, "start": p.start, "end": p.end, "name": p.name, "admin1": p.admin1,
             "country": p.country, "lat": p.lat, "lon": p.lon, "geonameid": p.geonameid,
             "precision": p.precision, "confidence": round(p.confidence, 3)}
            for p in r.places
        ],
        "claims": [
            {"sentence": c.sentence, "actor": c.actor, "actor_detail": c.actor_detail, "type": c.type,
             "event_date": c.event_date.isoformat() if c.event_date else None,
             "date_precision": c.date_precision, "places": c.places, "figures": c.figures,
             "group_id": c.group_id}
            for c in r.claims
        ],
    }


def cmd_extract(args) -> int:
    failed = 0
    for path in pipeline.iter_input_files(args.files):
        try:
            article = read_article(path)
        except (FormatError, OSError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            failed += 1
            continue
        for r in pipeline.extract_article(article):
            sys.stdout.write(json.dumps(update_json(r), ensure_ascii=False) + "\n")
    return 1 if failed else 0


def cmd_ingest(args) -> int:
    from tqdm import tqdm

    from liveblog.parallel import default_workers

    files = list(pipeline.iter_input_files(args.paths))
    report = pipeline.IngestReport()
    workers = args.workers or default_workers()
    with tqdm(total=len(files), unit="file", disable=args.quiet or None, file=sys.stderr) as bar:
        t0 = time.perf_counter()

        def progress(_path: Path) -> None:
            mb_s = report.bytes / 1e6 / max(time.perf_counter() - t0, 1e-9)
            bar.set_postfix_str(f"{mb_s:.2f} MB/s, errors {len(report.rejected)}", refresh=False)
            bar.update()

        pipeline.ingest_paths(files, args.db, progress=progress, workers=workers, dask=args.dask, report=report,
                              commit_every=args.commit_every)
    print(report.summary())
    return 1 if report.rejected and not (report.added or report.replaced or report.unchanged) else 0


def cmd_export(args) -> int:
    from liveblog.export import export_parquet

    n = export_parquet(args.parquet, args.db)
    print(f"{n} events written to {args.parquet} (partitioned by month)")
    return 0


def cmd_doctor(args) -> int:
    from liveblog import doctor

    return doctor.main(["--db", str(args.db)] if args.db else [])


def cmd_dashboard(args) -> int:
    """`streamlit run dashboard.py`, after loading what the first page view needs into this process (the
    imports, the events and their index, the outlines), so the first visitor does not wait for a cold start."""
    if str(store.REPO_DIR) not in sys.path:
        sys.path.insert(0, str(store.REPO_DIR))
    from pages import _shared
    from streamlit.web import cli

    t = time.perf_counter()
    _shared.warm_up(_shared.db_path())
    print(f"dashboard data loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    sys.argv = ["streamlit", "run", str(store.REPO_DIR / "dashboard.py"), *args.streamlit_args]
    return cli.main()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m liveblog", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="print one JSON object per update (JSON Lines)")
    p.add_argument("files", nargs="+", type=Path)
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("ingest", help="load live-blog files and folders into the database")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--db", type=Path, help="SQLite file (default: $CONFLICT_MAP_DB or data/conflict_map.sqlite)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="processes that parse and extract (default: the number of cores); one writer")
    p.add_argument("--commit-every", type=int, default=store.COMMIT_FILES, metavar="N",
                   help=f"files per commit (default {store.COMMIT_FILES}, or each second): each file is still "
                   "whole or absent; smaller shows readers progress sooner, 1 is one transaction per file")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster: scheduler address "
                   "(tcp://host:8786) or 'local' for a local cluster of --workers processes")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("export", help="write the events out for other tools")
    p.add_argument("--parquet", type=Path, required=True, metavar="DIR",
                   help="Parquet dataset folder, hive-partitioned by month (month=YYYY-MM)")
    p.add_argument("--db", type=Path, help="SQLite file (default: $CONFLICT_MAP_DB or data/conflict_map.sqlite)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("doctor", help="check the database: integrity, links, schema version, whole files")
    p.add_argument("--db", type=Path, help="SQLite file (default: $CONFLICT_MAP_DB or data/conflict_map.sqlite)")
    p.set_defaults(func=cmd_doctor)
    p = sub.add_parser("dashboard", help="open the dashboard, its data loaded before the first visitor "
                       "(what `make run` runs); other arguments go to `streamlit run`")
    p.set_defaults(func=cmd_dashboard)
    args, extra = parser.parse_known_args(argv)
    if extra and args.func is not cmd_dashboard:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.streamlit_args = extra  # e.g. --server.port 8502
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
