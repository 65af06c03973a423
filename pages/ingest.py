"""Ingest: add live blogs to the database from uploaded .txt / .html files or pasted text, with a progress bar
and a report per file.

Uploads are capped (MAX_FILES files, MAX_FILE_MB each); an uploaded file's name is a label only, cleaned and
never used as a path: the bytes go straight to the pipeline.
"""
import hashlib
import re
import time
from contextlib import closing

import pandas as pd
import streamlit as st

from liveblog import store
from pages import _shared

MAX_FILES = 20
MAX_FILE_MB = 10
MAX_PASTE_CHARS = 2_000_000
SUFFIXES = ["txt", "html", "htm"]

_shared.intro("Ingest live blogs", f"Upload up to {MAX_FILES} files (.txt or .html, {MAX_FILE_MB} MB each) or paste "
              "a live blog's text; each file is read, its claims and places extracted and stored.")
_shared.page_view()  # the shared filters, in the sidebar of every page
db = _shared.db_path()


def clean_name(name: str, fallback: str) -> str:
    """A display label from a client-supplied file name: last path part, safe characters, bounded."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ()+]", "_", base).strip(" .")[:120]
    return base or fallback


def ingest(items: list[tuple[str, bytes]]) -> pd.DataFrame:
    """Run the pipeline on each (label, bytes); one row per file: status, counts, message."""
    from liveblog import pipeline  # the extraction chain loads on first use, not with the page

    rows = []
    bar = st.progress(0.0, text="Loading the extraction chain…")
    report = pipeline.IngestReport()
    with closing(store.connect(db)) as conn:
        for i, (name, data) in enumerate(items):
            bar.progress(i / len(items), text=f"Reading {name} ({i + 1} of {len(items)})")
            before = {k: getattr(report, k) for k in ("added", "replaced", "unchanged", "updates", "claims", "places",
                                                      "unresolved", "events")}
            warnings = len(report.warnings)
            t0 = time.perf_counter()
            try:
                pipeline.ingest_bytes(conn, data, name, report)
            except Exception as exc:  # a bad file is reported; the rest of the batch goes in
                why = str(exc) or type(exc).__name__
                store.log_rejected(conn, name, why)
                rows.append({"file": name, "status": "rejected", "message": why})
                continue
            delta = {k: getattr(report, k) - v for k, v in before.items()}
            status = next((s for s in ("added", "replaced", "unchanged") if delta[s]), "stored")
            note = "; ".join(w for _, w in report.warnings[warnings:])
            rows.append({"file": name, "status": status, "updates": delta["updates"], "claims": delta["claims"],
                         "places": delta["places"], "names not resolved": delta["unresolved"],
                         "events": delta["events"], "seconds": round(time.perf_counter() - t0, 2), "message": note})
    bar.progress(1.0, text=f"Done: {len(items)} file(s)")
    return pd.DataFrame(rows)


def _collect(uploads, pasted: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The items to ingest and the problems that keep others out (too many, too big, wrong type)."""
    items, problems = [], []
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        problems.append(f"{len(uploads)} files chosen: at most {MAX_FILES} at a time. Only the first {MAX_FILES} "
                        "are read.")
        uploads = uploads[:MAX_FILES]
    for i, f in enumerate(uploads):
        name = clean_name(f.name, f"upload-{i + 1}.txt")
        if f.size > MAX_FILE_MB * 1024 * 1024:
            problems.append(f"{name}: {f.size / 1e6:.1f} MB is over the {MAX_FILE_MB} MB limit: skipped.")
            continue
        if name.rsplit(".", 1)[-1].lower() not in SUFFIXES:
            problems.append(f"{name}: not a .txt or .html file: skipped.")
            continue
        items.append((name, f.getvalue()))
    if pasted.strip():
        data = pasted.encode("utf-8")
        items.append((f"pasted-{hashlib.sha256(data).hexdigest()[:10]}.txt", data))
    return items, problems


uploads = st.file_uploader("Live-blog files", type=SUFFIXES, accept_multiple_files=True, key="ingest_files",
                           max_upload_size=MAX_FILE_MB)
pasted = st.text_area("…or paste a live blog's text", key="ingest_text", height=200, max_chars=MAX_PASTE_CHARS,
                      placeholder="Title line, date line, then the updates (as copied from the page)")
if st.button("Ingest", type="primary", key="ingest_go"):
    items, problems = _collect(uploads, pasted)
    st.session_state["_ingest_problems"] = problems
    if not items:
        st.session_state.pop("_ingest_report", None)
        st.info("Nothing to ingest: choose files or paste text first.")
    else:
        st.session_state["_ingest_report"] = ingest(items)
        st.rerun()  # the sidebar and counts were drawn before these files went in
for problem in st.session_state.get("_ingest_problems", []):
    st.warning(problem)
report = st.session_state.get("_ingest_report")
if report is not None:
    st.subheader("Report")
    st.dataframe(report, hide_index=True, key="ingest_report")
    ok = int((report["status"] != "rejected").sum())
    st.caption(f"{ok} of {len(report)} file(s) stored; the map and the other pages show them now.")
