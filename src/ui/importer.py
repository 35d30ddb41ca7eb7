"""The Data page's import flow: a file (uploaded or on disk) → detection → a checked plan →
the import, one atomic step, then the data reloaded so every page shows the new claims.

The plan is kept in the session keyed by what it depends on (the file's bytes, the dataset
name, the format and the box): change any of them and it must be checked again, so what is
imported is always what the report showed. Words and tables come from
``src.analysis.datasets``; the work from ``src.importers``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from src.analysis.datasets import (
    PlanKey,
    detection_facts,
    digest,
    mapping_table,
    parse_bbox_text,
    plan_counts,
    preview_problems,
    preview_table,
    problems_text,
)
from src.analysis.text import md, md_unlinked
from src.importers import Detection, ImportPlan, apply_import, detect, plan_import
from src.importers import ImportError as NotImportable
from src.store import ConflictError, StoreError
from src.ui import notices
from src.ui.data import data_dir, reload_data

#: Session keys: the checked plan (with its key) and the last import's outcome.
_PLAN = "data_plan"
_DONE = "data_done"
#: The largest file read from a path on disk (an upload has Streamlit's own limit).
MAX_PATH_BYTES = 512 * 1024 * 1024
FORMATS = ("auto", "acled", "ucdp", "kcm")
CONFLICT = "The data changed since you loaded it — reload: check the import again."


@st.cache_data(max_entries=8, show_spinner="Reading the file…")
def _detect(directory: str, version: str, key: str, name: str, _raw: bytes) -> Detection:
    """Detection once per file (by digest) and data version; the bytes are not hashed."""
    return detect(_raw, name, Path(directory))


def pick_file() -> tuple[bytes, str] | None:
    """The file to import, uploaded or read from a path on disk, or None (with why)."""
    where = st.radio(
        "Import from",
        ["upload", "path"],
        format_func={"upload": "An upload", "path": "A path on this server"}.__getitem__,
        horizontal=True,
        key="data_from",
    )
    if where == "upload":
        upload = st.file_uploader(
            "ACLED, UCDP GED, or this project's CSV or GeoJSON export",
            type=["csv", "tsv", "txt", "geojson", "json"],
            key="data_upload",
        )
        return (upload.getvalue(), upload.name) if upload is not None else None
    text = st.text_input("Path to the file", key="data_path", placeholder="/data/acled.csv")
    if not text.strip():
        return None
    path = Path(text.strip()).expanduser()
    try:
        if not path.is_file():
            st.error(f"{md(str(path))}: no such file.", icon=notices.WARNING)
            return None
        if path.stat().st_size > MAX_PATH_BYTES:
            st.error(f"{md(str(path))}: larger than {MAX_PATH_BYTES >> 20} MB.")
            return None
        return path.read_bytes(), path.name
    except OSError as exc:
        st.error(f"{md(str(path))}: cannot be read ({md(exc.strerror or str(exc))}).")
        return None


def show_detection(detection: Detection) -> None:
    """What the file is, how its columns map, and its first rows as claims."""
    facts = detection_facts(detection)
    st.markdown(" · ".join(f"**{md(label)}:** {md(value)}" for label, value in facts))
    if detection.problems:
        st.warning(
            f"{len(detection.problems):,} problem(s) reading the file:", icon=notices.WARNING
        )
        st.code(problems_text(detection.problems), language=None, wrap_lines=True)
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Column mapping**")
        st.dataframe(mapping_table(detection), hide_index=True, width="stretch")
    with right:
        st.markdown(f"**Preview:** the first {len(detection.preview)} rows as claims")
        st.dataframe(preview_table(detection), hide_index=True, width="stretch")
        for problem in preview_problems(detection):
            st.caption(f"Would be skipped: {md(problem)}")


def _plan(raw: bytes, name: str, key: PlanKey) -> ImportPlan | None:
    try:
        bbox = parse_bbox_text(key.bbox)
    except ValueError as exc:
        st.error(f"Box {md(str(exc))}", icon=notices.WARNING)
        return None
    try:
        with st.spinner("Checking every row…"):
            return plan_import(
                Path(data_dir()),
                raw,
                dataset=key.dataset or None,
                fmt=None if key.fmt == "auto" else key.fmt,
                bbox=bbox,
                name=name,
            )
    except NotImportable as exc:
        st.error(md(str(exc)), icon=notices.WARNING)
        return None


def show_report(plan: ImportPlan) -> None:
    """The import's report: counts, every row-level problem, the skipped rows to download."""
    st.markdown(
        f"Into dataset **{md(plan.dataset_name)}** (id {md(plan.dataset_id)}): "
        f"{plan.imported:,} row(s) become claims; places: {plan.places_matched:,} matched the "
        f"gazetteer, {plan.places_new:,} kept as the dataset's own places."
    )
    counts = plan_counts(plan)
    st.markdown(" · ".join(f"{label}: **{count:,}**" for label, count, _ in counts))
    st.caption(" ".join(f"{label}: {why}." for label, _, why in counts))
    if plan.problems:
        st.markdown(f"**{len(plan.problems):,} row-level problem(s)** (file:line: field: message)")
        st.code(problems_text(plan.problems), language=None, wrap_lines=True)
        a, b = st.columns(2)
        a.download_button(
            "Download the skipped rows (CSV)",
            plan.skipped_csv,
            file_name=f"{Path(plan.detection.name).stem}-skipped.csv",
            mime="text/csv",
            key="data_skipped",
        )
        b.download_button(
            "Download the problem list",
            "\n".join(str(p) for p in plan.problems).encode(),
            file_name=f"{Path(plan.detection.name).stem}-problems.txt",
            mime="text/plain",
            key="data_problems",
        )
    else:
        st.caption("Every row can be imported; nothing is skipped.")


def _apply(plan: ImportPlan) -> None:
    try:
        report = apply_import(plan)
    except ConflictError:
        st.session_state.pop(_PLAN, None)
        st.error(CONFLICT, icon=notices.WARNING)
        return
    except (NotImportable, StoreError) as exc:
        st.error(md(str(exc)), icon=notices.WARNING)
        return
    st.session_state.pop(_PLAN, None)
    st.session_state[_DONE] = report.summary()
    reload_data()
    st.rerun()


def import_flow(version: str) -> None:
    """The whole flow on the page: pick, detect, check, import."""
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(
            f"Imported. {md(done)}. The new claims are on the map and every page now.",
            icon=":material/task_alt:",
        )
        st.page_link("pages/Map.py", label="Open the map", icon=":material/map:")
    picked = pick_file()
    if picked is None:
        return
    raw, name = picked
    detection = _detect(data_dir(), version, digest(raw), name, raw)
    show_detection(detection)
    if detection.layout is None:
        st.info("Nothing to import: the file is not a layout the importer knows.")
        return
    a, b, c = st.columns([3, 1, 2])
    dataset = a.text_input(
        "Dataset name",
        key="data_dataset",
        placeholder="e.g. ACLED Armenia 2018–2020 (blank: named after the file)",
        help="An existing dataset's name or id updates it in place by event id.",
    )
    fmt = b.selectbox("Format", FORMATS, key="data_format")
    bbox = c.text_input(
        "Keep only rows inside S,W,N,E (optional)",
        key="data_bbox",
        placeholder="38.8,44.7,41.3,50.4",
    )
    key = PlanKey(digest(raw), dataset.strip(), str(fmt), bbox.strip())
    held = st.session_state.get(_PLAN)
    plan = held[1] if held is not None and held[0] == key else None
    if st.button("Check the import", key="data_check", type="secondary" if plan else "primary"):
        plan = _plan(raw, name, key)
        st.session_state[_PLAN] = (key, plan) if plan is not None else None
    if plan is None:
        return
    show_report(plan)
    if st.button(
        # widget labels render markdown (links, images): the name is escaped
        f"Import {plan.imported:,} claim(s) into “{md_unlinked(plan.dataset_name)}”",
        key="data_apply",
        type="primary",
        disabled=plan.imported == 0,
    ):
        _apply(plan)
