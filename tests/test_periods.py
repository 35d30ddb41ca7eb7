"""Period presets as data (data/periods.csv): validated, loaded, snapshotted, versioned, and
read by the filters, the links, the briefing and the CLI; the built-in ones when absent."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from src import dataset, snapshot
from src.briefing.__main__ import main as briefing_main
from src.briefing.frame import briefing_text, default_title
from src.dataset import DATA_DIR, load_dataset
from src.filters import FilterState, apply_filters, describe, window
from src.periods import FALLBACK_NOTE, Fitted, builtin_periods, day_text, fit_range, periods_of
from src.schema import PERIODS
from src.urlstate import parse_query
from src.validation import default_paths, validate_files
from tests.exodus_data import SMALL, exodus_folder

EXODUS = "Exodus (24 Sep – 1 Oct 2023)"


def test_bundled_periods_are_the_old_presets_plus_the_exodus(bundled) -> None:
    periods = periods_of(bundled.periods)
    assert list(periods) == ["all", "background", "blockade", "offensive", "exodus"]
    assert periods["exodus"].label == EXODUS
    exodus = periods["exodus"]
    assert (exodus.start, exodus.end) == (date(2023, 9, 24), date(2023, 10, 1))
    for pid, (lo, hi) in PERIODS.items():  # the file keeps the built-in dates
        assert (periods[pid].start, periods[pid].end) == (lo, hi)
    assert bundled.periods_note == ""


def test_a_folder_without_periods_csv_gets_the_built_in_presets_and_a_note(small) -> None:
    assert not (SMALL / "periods.csv").exists()
    assert periods_of(small.periods) == builtin_periods()
    assert list(builtin_periods()) == list(PERIODS)
    assert small.periods_note == FALLBACK_NOTE


def _problems(folder: Path, text: str) -> list[str]:
    (folder / "periods.csv").write_text(text, encoding="utf-8")
    return [str(p) for p in validate_files(default_paths(folder)).problems]


def test_periods_csv_problems_are_file_line_field_messages(tmp_path: Path) -> None:
    folder = exodus_folder(tmp_path, periods=False)
    name = str(folder / "periods.csv")
    got = _problems(
        folder,
        "period_id,label,start,end,notes\n"
        "all,All dates,2020-01-01,,\n"
        "Exodus,Exodus,2023-09-24,2023-10-01,\n"
        "late,Late,2023-10-02,2023-09-24,\n"
        "late,Twice,,,\n"
        "x,Bad date,2023-13-01,,\n"
        "y,,,2101-01-01,\n",
    )
    assert [p.replace(name, "periods.csv") for p in got] == [
        "periods.csv:2: start: the 'all' period has no bounds: leave start and end blank",
        "periods.csv:3: period_id: 'Exodus' is not a period id of lower-case letters, digits "
        "and _ (used in links: period=exodus)",
        "periods.csv:4: period_id: duplicate value 'late'",
        "periods.csv:4: end: before start",
        "periods.csv:5: period_id: duplicate value 'late'",
        "periods.csv:6: start: '2023-13-01' is not an ISO date (YYYY-MM-DD)",
        "periods.csv:7: label: required (must not be blank)",
        "periods.csv:7: end: '2101-01-01' is after 2100-12-31, the latest date allowed",
    ]
    missing = _problems(folder, "period_id,label,start\nall,All,\n")
    assert [p.replace(name, "periods.csv") for p in missing] == [
        "periods.csv:1: end: required column is missing",
        "periods.csv:1: notes: required column is missing",
    ]
    with pytest.raises(dataset.DataValidationError):
        load_dataset(folder)


def test_periods_csv_is_in_the_version_and_the_snapshot(tmp_path: Path) -> None:
    folder = exodus_folder(tmp_path)
    first = load_dataset(folder)
    assert snapshot.snapshot_path(folder, dataset.PERIODS_TABLE).is_file()
    path = folder / "periods.csv"
    path.write_text(path.read_text("utf-8") + "week1,First week,2023-09-19,2023-09-25,\n", "utf-8")
    edited = load_dataset(folder)
    assert edited.version != first.version
    assert list(periods_of(edited.periods))[-1] == "week1"  # not the stale snapshot's
    path.unlink()
    without = load_dataset(folder)
    assert periods_of(without.periods) == builtin_periods()
    assert without.periods_note == FALLBACK_NOTE


def test_a_folder_without_periods_keeps_its_version(tmp_path: Path) -> None:
    """periods.csv is hashed last and only when present: old folders' links stay valid."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder, ignore=shutil.ignore_patterns("cache"))
    before = load_dataset(folder).version
    shutil.copy(DATA_DIR / "periods.csv", folder / "periods.csv")
    assert load_dataset(folder).version != before
    (folder / "periods.csv").unlink()
    assert load_dataset(folder).version == before


def test_the_exodus_window_filters_and_is_described(tmp_path: Path) -> None:
    data = load_dataset(exodus_folder(tmp_path))
    parsed = parse_query({"period": ["exodus"]}, {}, periods_of(data.periods))
    assert parsed.notices == ()
    state = parsed.state
    assert window(state, data.events) == (date(2023, 9, 24), date(2023, 10, 1))
    assert list(apply_filters(data.events, state)["event_id"]) == ["E005"]
    assert describe(state, data.events, {})[0] == f"{EXODUS}: 24 Sep 2023 – 01 Oct 2023"
    text = briefing_text(data, state)
    assert text.period == f"Period: {EXODUS}"
    assert default_title(state) == f"{EXODUS}: claims by the parties"


def test_an_unknown_period_names_the_datas_presets(bundled) -> None:
    parsed = parse_query({"period": ["exodsu"]}, {}, periods_of(bundled.periods))
    assert parsed.state == FilterState()
    assert parsed.notices == (
        "Ignored unknown period 'exodsu' (use one of all, background, blockade, offensive, "
        "exodus).",
    )
    # a folder without periods.csv has no exodus: the link says so instead of guessing
    builtin = parse_query({"period": ["exodus"]}, {})
    assert builtin.state.period == "all"
    assert "use one of all, background, blockade, offensive)" in builtin.notices[0]


def test_kcm_briefing_period_reads_the_data_folder(tmp_path: Path, capsys) -> None:
    folder = exodus_folder(tmp_path)
    out = tmp_path / "exodus.csv"
    args = ["csv", "--out", str(out), "--period", "exodus", "--data-dir"]
    code = briefing_main([*args, str(folder)])
    assert code == 0, capsys.readouterr().err
    claims = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(claims["event_id"]) == ["E005"]
    assert list(claims["displaced"]) == ["100417"]
    code = briefing_main([*args, str(SMALL)])
    assert code == 2
    assert "unknown period 'exodus'" in capsys.readouterr().err


# --- the period control under AppTest ----------------------------------------------------------


def test_the_period_control_offers_the_exodus_and_links_to_it(app_factory, tmp_path) -> None:
    folder = exodus_folder(tmp_path)
    at = app_factory(folder, period="exodus")
    assert not at.exception
    radio = at.radio(key="f_period")
    assert radio.value == "exodus"
    assert EXODUS in radio.options
    headline = next(m.value for m in at.markdown if "claims shown" in m.value)
    assert headline.startswith("**1 of 5 claims shown**")
    radio.set_value("offensive").run()
    assert at.query_params["period"] == "offensive"
    at.radio(key="f_period").set_value("exodus").run()
    assert at.query_params["period"] == "exodus"
    assert not any("folder has no periods" in c.value for c in at.sidebar.caption)


def test_without_periods_csv_the_sidebar_says_so(app_factory) -> None:
    at = app_factory(SMALL)
    assert not at.exception
    assert "Exodus" not in " ".join(at.radio(key="f_period").options)
    assert any("folder has no periods" in c.value for c in at.sidebar.caption)


# -- fitting a from/to inside a period (the link's and the date inputs') -------------------

BACKGROUND = ("Background", date(1988, 2, 20), date(2020, 11, 10))


def test_days_inside_the_period_are_kept_as_given() -> None:
    fitted = fit_range(*BACKGROUND, date(2020, 9, 27), date(2020, 10, 3))
    assert (fitted.start, fitted.end, fitted.notices) == (
        date(2020, 9, 27),
        date(2020, 10, 3),
        (),
    )
    assert fit_range(*BACKGROUND, None, None) == Fitted(date(1988, 2, 20), date(2020, 11, 10))


def test_a_from_after_the_period_is_ignored_with_a_notice_not_clamped_to_its_last_day() -> None:
    """?period=background&from=2023-09-19 used to become a one-day window on 10 Nov 2020."""
    fitted = fit_range(*BACKGROUND, date(2023, 9, 19), None)
    assert (fitted.start, fitted.end) == (date(1988, 2, 20), date(2020, 11, 10))
    (notice,) = fitted.notices
    assert "Ignored from=2023-09-19" in notice
    assert "after the end of the period Background" in notice
    assert "10 Nov 2020" in notice
    assert "starts at its first day, 20 Feb 1988" in notice


def test_a_to_before_the_period_is_ignored_and_days_beyond_its_ends_stop_there() -> None:
    ignored = fit_range(*BACKGROUND, None, date(1980, 1, 1))
    assert ignored.end == date(2020, 11, 10)
    assert "Ignored to=1980-01-01" in ignored.notices[0]
    early = fit_range(*BACKGROUND, date(1980, 1, 1), date(2023, 1, 1), ("From ", "To "))
    assert (early.start, early.end) == (date(1988, 2, 20), date(2020, 11, 10))
    assert [n.split(" is ")[0] for n in early.notices] == ["From 1980-01-01", "To 2023-01-01"]


def test_a_reversed_pair_of_typed_days_becomes_the_one_day_with_a_notice() -> None:
    fitted = fit_range(*BACKGROUND, date(2020, 10, 5), date(2020, 10, 1), ("From ", "To "))
    assert (fitted.start, fitted.end) == (date(2020, 10, 5), date(2020, 10, 5))
    assert "From 2020-10-05 is after To 2020-10-01" in fitted.notices[0]
    assert day_text(date(2023, 9, 1)) == "1 Sep 2023"
