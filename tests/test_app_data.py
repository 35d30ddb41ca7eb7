"""The Data page under AppTest: upload a small ACLED file, see what it was detected as and the
report, import it, and find its claims on the map, in the dataset filter and on the Claims
page's cross-check; a change on disk between the check and the import is a conflict."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from src.analysis.text import md_unlinked

ROOT = Path(__file__).resolve().parent.parent
ACLED = ROOT / "tests" / "fixtures" / "dataui" / "acled_small.csv"
NAME = "ACLED test <b>file</b>"


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def view_count(at: AppTest) -> str:
    text = next(m.value for m in at.markdown if re.match(r"\*\*\d+ of \d+ claims", m.value))
    match = re.match(r"\*\*(\d+ of \d+) claims", text)
    assert match
    return match.group(1)


def upload_and_check(at: AppTest) -> AppTest:
    at.file_uploader(key="data_upload").set_value((ACLED.name, ACLED.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception
    at.text_input(key="data_dataset").set_value(NAME).run()
    at.button(key="data_check").click().run()
    assert not at.exception
    return at


def test_upload_report_import_and_the_claims_are_on_the_map(app_factory, data_dir):
    at = app_factory(data_dir, "pages/Data.py")
    assert not at.exception
    listed = frame_with(at, "Dataset")
    assert list(listed["Dataset"]) == ["Articles (5)"]
    assert list(listed["Claims loaded"]) == [120]

    upload_and_check(at)
    words = " ".join(m.value for m in at.markdown)
    assert "acled" in words
    mapping = frame_with(at, "File column")
    assert "event_id_cnty" in set(mapping["File column"])
    assert "notes" in set(mapping["File column"])  # every column is accounted for
    preview = frame_with(at, "event_id")
    assert len(preview) >= 2

    counts = next(m.value for m in at.markdown if m.value.startswith("New: "))
    assert counts == (
        "New: **2** · Updated: **0** · Unchanged: **0** · Merged: **0** · Skipped: **1** · "
        "Kept: **0**"
    )
    problems = "\n".join(c.value for c in at.code)
    assert re.search(r"acled_small\.csv:4: latitude: ", problems), problems
    assert [b.label for b in at.get("download_button")][:1] == ["Download the skipped rows (CSV)"]

    apply = at.button(key="data_apply")
    assert apply.label == f"Import 2 claim(s) into “{md_unlinked(NAME)}”"  # escaped markdown
    apply.click().run()
    assert not at.exception
    assert any(s.value.startswith("Imported.") for s in at.success)
    listed = frame_with(at, "Dataset")
    assert list(listed["Claims loaded"]) == [120, 2]
    assert listed["Dataset"].iloc[1] == NAME
    assert view_count(at) == "122 of 122"

    at.switch_page("pages/Map.py").run()
    assert not at.exception
    assert view_count(at) == "122 of 122"
    (new_id,) = set(at.multiselect(key="f_datasets").options) - {"Articles (5) · 120 claims"}
    at.multiselect(key="f_datasets").set_value([listed["Id"].iloc[1]]).run()
    assert not at.exception
    assert view_count(at) == "2 of 122"
    assert at.query_params["dataset"] in (listed["Id"].iloc[1], [listed["Id"].iloc[1]])
    assert new_id == f"{NAME} · 2 claims"


def test_the_claims_page_shows_the_cross_check_after_an_import(app_factory, data_dir):
    at = app_factory(data_dir, "pages/Data.py")
    upload_and_check(at)
    at.button(key="data_apply").click().run()
    at.switch_page("pages/Claims.py").run()
    assert not at.exception
    assert any(e.label == "Cross-check with the imported datasets" for e in at.expander)
    caption = next(c.value for c in at.caption if c.value.startswith("Cross-check:"))
    assert "have a dataset event within 10 km and ±1 day(s)" in caption
    checks = [m.value for m in at.markdown if "dataset event(s) within" in m.value]
    assert checks, "no claim lists its matches"
    assert any("E062" in text and "ARM9001" in text for text in checks)
    assert not any("<img" in text for text in checks)  # the hostile notes never get here raw

    at.radio(key="xc_match").set_value("with").run()
    assert not at.exception
    compared = next(m.value for m in at.metric if m.label == "Claims compared")
    assert 0 < int(compared) < 122
    at.radio(key="xc_match").set_value("without").run()
    without = next(m.value for m in at.metric if m.label == "Claims compared")
    assert int(compared) + int(without) == 120  # article claims only, split in two


def test_a_change_on_disk_after_the_check_is_a_conflict_and_nothing_is_written(
    app_factory, data_dir
):
    at = app_factory(data_dir, "pages/Data.py")
    upload_and_check(at)
    assert not (data_dir / "datasets.csv").exists()
    (data_dir / "datasets.csv").write_text(
        "dataset_id,name,kind,credit,url,file,format,imported,rows,notes\n", encoding="utf-8"
    )
    at.button(key="data_apply").click().run()
    assert not at.exception
    assert any("The data changed since you loaded it — reload" in e.value for e in at.error)
    assert not (data_dir / "imports").exists() or not any((data_dir / "imports").iterdir())


def test_files_changed_on_disk_are_read_on_the_next_run_without_a_clear(app_factory, data_dir):
    """The loaded dataset is cached on the files' stamp, not cleared by hand: a run that was
    still loading the old files when an import cleared the cache put them back (a stale map
    after "Imported."); keyed on the stamp, a changed file is simply another entry."""
    at = app_factory(data_dir, "pages/Map.py")
    assert view_count(at) == "120 of 120"
    events = data_dir / "events.csv"
    lines = events.read_bytes().splitlines(keepends=True)
    replaced = data_dir / ".events.csv.new"
    replaced.write_bytes(b"".join(lines[:-1]))  # the last claim left out, as a save would
    replaced.replace(events)
    at.run()
    assert not at.exception
    assert view_count(at) == "119 of 119"
