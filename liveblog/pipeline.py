"""File → article → updates → places and claims → events: the one pipeline the CLI and dashboard share."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from geo.resolve import geoparse_article
from liveblog import store
from liveblog.claims import extract_claims
from liveblog.corroboration import group_id
from liveblog.formats import FormatError, decode_bytes, parse_article
from liveblog.records import Article, PlaceMention, UpdateResult
from liveblog.segment import split_sentences

SAMPLE_DIR = store.REPO_DIR / "data" / "sample"
INPUT_SUFFIXES = {".txt", ".html", ".htm"}
# Claims are mapped where the war is; a speaker's foreign whereabouts ("depuis Bruxelles") stay off the map.
MAPPED_COUNTRIES = {"UA", "RU", "BY", "MD"}


def extract_article(article: Article, corrections: store.CorrectionIndex | None = None,
                    key: str = "") -> list[UpdateResult]:
    """Places and claims of every update of an article; the user's place corrections (for the article
    `key`) override the resolver's choices."""
    places_per_update = geoparse_article([u.text for u in article.updates], article.lang)
    results = []
    for update, places in zip(article.updates, places_per_update):
        sentences = split_sentences(update.text)
        if corrections:
            places = store.correct_places(places, sentences, key, corrections)
        # Unattributed reports too (actor "reported", or "Other" for the outlet speaking as itself): the map
        # shows what outlets report happened as well as who claims what.
        claims = extract_claims(update.text, sentences, lang=article.lang, outlet=article.outlet,
                                published=update.published or article.published, headline=update.headline,
                                unattributed=True)
        mapped = _mapped(places)
        for claim in claims:
            claim.places = [i for i, start, end in mapped if claim.start <= start and end <= claim.end]
            claim.group_id = group_id(claim, places)
        results.append(UpdateResult(article, update, places, claims))
    return results


def _mapped(places: list[PlaceMention]) -> list[tuple[int, int, int]]:
    """(index, start, end) of the update's places a claim may be mapped to, picked once for all its claims."""
    return [(i, p.start, p.end) for i, p in enumerate(places) if p.name is not None and p.country in MAPPED_COUNTRIES]


def article_key(article: Article, content_hash: str) -> str:
    return article.url or f"sha256:{content_hash}"


def events_of(results: list[UpdateResult], key: str) -> list[dict]:
    """Rows of the event schema: one per claim × place, or one with no location for a claim with no place.

    A place named twice in one claim is one event: the rows share an id, and the last one is kept (as the
    store's INSERT OR REPLACE would), so the count reported is the count stored.
    """
    rows: dict[str, dict] = {}
    for r in results:
        a, u = r.article, r.update
        published = u.published or a.published
        published_at = published.isoformat(sep=" ") if published else None
        prefix = f"{key}|{u.index}|"
        for claim in r.claims:
            # What every row of the claim shares, computed once per claim rather than once per place.
            event_date = claim.event_date.isoformat() if claim.event_date else None
            figures = json.dumps(claim.figures, ensure_ascii=False, sort_keys=True) if claim.figures else "{}"
            claim_prefix = f"{prefix}{claim.start}|"
            for i in claim.places or [None]:
                p = r.places[i] if i is not None else None
                ident = f"{claim_prefix}{p.place_id or p.surface if p else ''}"
                event_id = hashlib.sha1(ident.encode()).hexdigest()[:16]
                rows[event_id] = {
                    "event_id": event_id,
                    "event_date": event_date,
                    "date_precision": claim.date_precision,
                    "published_at": published_at,
                    "actor": claim.actor,
                    "actor_detail": claim.actor_detail,
                    "claim_type": claim.type,
                    "claim": claim.sentence,
                    "headline": u.headline,
                    "place": p.name if p else None,
                    "place_surface": p.surface if p else None,
                    "admin1": p.admin1 if p else None,
                    "country": p.country if p else None,
                    "latitude": p.lat if p else None,
                    "longitude": p.lon if p else None,
                    "geo_precision": p.precision if p else None,
                    "geo_confidence": round(p.confidence, 3) if p else None,
                    "source": a.outlet,
                    "source_url": a.url,
                    "language": a.lang,
                    "title": a.title,
                    "file": a.file,
                    "update_index": u.index,
                    "figures": figures,
                    "group_id": claim.group_id,
                }
    return list(rows.values())


def mentions_of(results: list[UpdateResult]) -> list[store.Mention]:
    return [store.Mention(r.update.index, p.start, p.surface, p.name, p.place_id, p.confidence,
                          "|".join(p.candidates))
            for r in results for p in r.places]


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the live-blog files (.txt, .html) under folders named, in a stable order."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES)
        else:
            yield p


@dataclass
class IngestReport:
    files: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    updates: int = 0
    claims: int = 0
    places: int = 0
    unresolved: int = 0
    events: int = 0
    bytes: int = 0  # size of the files read, for MB/s
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"files: {self.files} (added {self.added}, replaced {self.replaced}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)})",
            f"updates: {self.updates}  claims: {self.claims}  places: {self.places}  "
            f"names not resolved: {self.unresolved}  events: {self.events}",
        ]
        lines += [f"warning: {f}: {w}" for f, w in self.warnings]
        lines += [f"rejected: {f}: {why}" for f, why in self.rejected]
        return "\n".join(lines)


def ingest_paths(paths: Iterable[str | Path], db_path: str | Path | None = None,
                 progress: Callable[[Path], None] | None = None, *, workers: int = 1, dask: str | None = None,
                 report: IngestReport | None = None, commit_every: int = store.COMMIT_FILES) -> IngestReport:
    """Load files and folders into the store, each file whole or not at all (store.Writer: a savepoint per
    file, a commit every `commit_every` files or second); bad files are reported and skipped.

    workers > 1 parses and extracts in that many processes, dask (a scheduler address or "local") on a Dask
    cluster; either way this process is the only writer and stores files in input order, so the database
    ends the same whatever the parallelism. Pass `report` to watch the counts grow from `progress`.
    """
    from liveblog import parallel  # the pool and Dask plumbing stay out of the single-process path

    report = report if report is not None else IngestReport()
    with closing(store.connect(db_path)) as conn, store.Writer(conn, commit_every) as writer:
        corrections = store.CorrectionIndex(store.load_corrections(conn))
        for result in parallel.analyse_files(iter_input_files(paths), workers=workers, dask=dask,
                                             corrections=corrections, known=store.content_hashes(conn)):
            store_result(writer, result, report)
            if progress:
                progress(Path(result.path))
    return report


@dataclass
class FileResult:
    """One file parsed and extracted, ready for the writer: plain data, so it crosses process boundaries."""

    path: str
    name: str
    size: int = 0
    warning: str | None = None
    error: str | None = None  # why the file is rejected; nothing else is set then
    row: store.ArticleRow | None = None
    events: list[dict] = field(default_factory=list)
    mentions: list[store.Mention] = field(default_factory=list)
    updates: int = 0
    claims: int = 0
    places: int = 0
    unresolved: int = 0
    unchanged: bool = False  # the same bytes are stored, under the same corrections: nothing to extract


def content_hash(data: bytes, corrections: store.CorrectionIndex | None = None) -> str:
    """What an article row stores as its content hash: the file's sha256, and the corrections the rows were
    extracted under (after a correction, the same file ingested again is re-extracted, not "unchanged")."""
    sha = hashlib.sha256(data).hexdigest()
    return sha + ("|" + corrections.fingerprint if corrections else "")


def read_input(path: str | Path, known: Container[str] = (),
               corrections: store.CorrectionIndex | None = None) -> tuple[bytes | None, FileResult | None]:
    """A file's bytes to analyse, or its finished result: unreadable (error set), or already stored as it is
    (`known`: the store's content hashes), so re-ingesting an archive only reads and hashes what it holds."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, FileResult(str(path), path.name, error=str(e))
    if known and content_hash(data, corrections) in known:
        return None, FileResult(str(path), path.name, len(data), unchanged=True)
    return data, None


def analyse_bytes(data: bytes, name: str, path: str | None = None,
                  corrections: store.CorrectionIndex | None = None) -> FileResult:
    """Parse and extract one file's bytes, touching no database; a bad file comes back with `error` set."""
    result = FileResult(path if path is not None else name, name, len(data))
    try:
        _analyse(data, result, corrections)
    except FormatError as e:
        result.error = str(e)
    except Exception as e:  # a bug on one file must not cost the rest of the batch
        result.error = f"unexpected error ({type(e).__name__}: {e})"
    return result


def _analyse(data: bytes, result: FileResult, corrections: store.CorrectionIndex | None = None) -> None:
    text, warning = decode_bytes(data)
    result.warning = warning
    article = parse_article(text, result.name)
    stored_hash = content_hash(data, corrections)
    key = article_key(article, stored_hash.split("|")[0])
    results = extract_article(article, corrections, key)
    result.events = events_of(results, key)
    result.mentions = mentions_of(results)
    result.row = store.ArticleRow(key, stored_hash, result.name, article.format, article.outlet, article.url,
                                  article.title, article.published.isoformat(sep=" ") if article.published else None,
                                  article.lang, len(article.updates))
    result.updates = len(results)
    result.claims = sum(len(r.claims) for r in results)
    result.places = sum(1 for r in results for p in r.places if p.name)
    result.unresolved = sum(1 for r in results for p in r.places if not p.name)


def store_result(writer: store.Writer, result: FileResult, report: IngestReport) -> None:
    """Write one analysed file (or log its rejection) and add it to the report: the writer's whole job."""
    report.files += 1
    report.bytes += result.size
    if result.warning:
        report.warnings.append((result.name, result.warning))
    if result.error is not None:
        report.rejected.append((result.path, result.error))
        writer.log(result.path, "rejected", result.error)
    elif result.unchanged:
        report.unchanged += 1
        writer.log(result.name, "unchanged")
    else:
        _write(writer, result, report)


def _write(writer: store.Writer, result: FileResult, report: IngestReport) -> None:
    status = writer.write_article(result.row, result.events, result.mentions)
    setattr(report, status, getattr(report, status) + 1)
    report.updates += result.updates
    report.claims += result.claims
    report.places += result.places
    report.unresolved += result.unresolved
    report.events += len(result.events)


def ingest_bytes(conn, data: bytes, name: str, report: IngestReport) -> None:
    """Parse, extract and store one file's bytes (raises FormatError for a file that is not a live blog)."""
    result = FileResult(name, name, len(data))
    try:
        _analyse(data, result, store.CorrectionIndex(store.load_corrections(conn)))
    finally:
        if result.warning:
            report.warnings.append((name, result.warning))
    with store.Writer(conn, max_files=1) as writer:
        _write(writer, result, report)


def ensure_sample_ingested(db_path: str | Path | None = None) -> IngestReport | None:
    """On a fresh clone the database is empty: fill it from the project's sample corpus."""
    if store.count_articles(db_path) or not SAMPLE_DIR.is_dir():
        return None
    return ingest_paths([SAMPLE_DIR], db_path)
