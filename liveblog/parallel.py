"""Parse and extract files in parallel (worker processes or a Dask cluster), results streamed back in order.

The writer (the caller) stays one process: SQLite wants one writer. Results come back in input order, so the
database ends the same whatever the parallelism (two files with the same URL: the later one wins, always).
At most `window` files are in flight at once, so memory stays bounded however large the corpus; Pool.imap
would not do: its feeder thread queues every task and its result cache grows when the writer lags.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Container, Iterable, Iterator
from pathlib import Path

from liveblog.pipeline import FileResult, analyse_bytes, extract_article, read_input
from liveblog.records import Article, Update
from liveblog.store import CorrectionIndex

WINDOW_PER_WORKER = 8  # files in flight per worker: enough to hide latency, few enough to bound memory


def default_workers() -> int:
    """The cores this process may use (the CLI's default for --workers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def warm_up() -> None:
    """Load what every file needs (gazetteer, name automaton, lexicons) once, before the first file."""
    for lang, text in (("fr", "Kiev a annoncé ce lundi la reprise de Koupiansk, selon l’armée."),
                       ("en", "Kyiv said on Monday its forces had retaken Kupiansk, the army said.")):
        update = Update(0, text.split(",")[0], text)
        extract_article(Article("warm-up", "plain", None, None, None, None, lang, [update]))


def analyse_files(paths: Iterable[str | Path], workers: int = 1, dask: str | None = None,
                  window: int | None = None, corrections: CorrectionIndex | None = None,
                  known: Container[str] = ()) -> Iterator[FileResult]:
    """FileResult of each path, in input order: here (workers <= 1), in a process pool, or on Dask.
    Files are read here: one whose content hash is in `known` (already stored) is not analysed at all.
    `corrections` (the user's place corrections) travel with each task: they are plain data."""
    tasks = _tasks(paths, known, corrections)
    if dask:
        yield from _dask_results(tasks, dask, workers, window, corrections)
    elif workers <= 1:
        for p, data, done in tasks:
            yield done or analyse_bytes(data, p.name, str(p), corrections)
    else:
        yield from _pool_results(tasks, workers, window or workers * WINDOW_PER_WORKER, corrections)


def _tasks(paths: Iterable[str | Path], known: Container[str],
           corrections: CorrectionIndex | None) -> Iterator[tuple[Path, bytes | None, FileResult | None]]:
    """(path, bytes to analyse, None) or (path, None, finished result)."""
    for p in paths:
        data, done = read_input(p, known, corrections)
        yield Path(p), data, done


def _pool_results(tasks, workers: int, window: int, corrections: CorrectionIndex | None) -> Iterator[FileResult]:
    # fork shares the parent's imported modules (fast start); the initialiser loads the gazetteer per worker.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(workers, initializer=warm_up) as pool:
        pending: deque = deque()
        for p, data, done in tasks:
            pending.append(done or pool.apply_async(analyse_bytes, (data, p.name, str(p), corrections)))
            if len(pending) >= window:
                yield _get(pending.popleft())
        while pending:
            yield _get(pending.popleft())


def _warm_up_plugin():
    """A Dask worker plugin by which each worker loads the gazetteer once, when it joins (built here so
    importing this module does not import distributed)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmUp(WorkerPlugin):
        name = "conflict-map-warm-up"

        def setup(self, worker) -> None:
            warm_up()

    return WarmUp()


def _dask_results(tasks, address: str, workers: int, window: int | None,
                  corrections: CorrectionIndex | None) -> Iterator[FileResult]:
    """Files read here and shipped as bytes, so workers need the package but not the files."""
    from distributed import Client, LocalCluster

    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=workers > 1,
                               dashboard_address=":0")
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        client.register_plugin(_warm_up_plugin())
        n = max(1, len(client.nthreads()))
        yield from _in_order(client, tasks, window or n * WINDOW_PER_WORKER, corrections)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _in_order(client, tasks, window: int, corrections: CorrectionIndex | None) -> Iterator[FileResult]:
    pending: deque = deque()
    for p, data, done in tasks:
        pending.append(done or client.submit(analyse_bytes, data, p.name, str(p), corrections, pure=False))
        if len(pending) >= window:
            yield _get(pending.popleft())
    while pending:
        yield _get(pending.popleft())


def _get(item) -> FileResult:
    """A finished result, a pool's AsyncResult or a Dask future."""
    if isinstance(item, FileResult):
        return item
    return item.result() if hasattr(item, "result") else item.get()
