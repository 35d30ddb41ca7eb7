"""Every malformed or unusual data file: an exact ``file:line: field: message``, or pages render.

Each case starts from a copy of tests/fixtures/valid and changes one thing. A case either names
the exact problems ``kcm validate`` prints (and ``load_dataset`` raises) or says the files are
accepted, and then the whole app is opened on them and every page of ``dashboard.PAGES`` must
render with no exception and no error box: whatever validation accepts, the pages can show.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dashboard
from src.csvio import FIELD_SIZE_LIMIT, Problem
from src.dataset import DataValidationError, load_dataset
from src.events.__main__ import main as events_cli
from src.schema import DATE_MAX, DATE_MIN, EVENTS, FIGURE_MAX, PLACES, SOURCES, TableSpec
from src.validation import default_paths, validate_files

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "fixtures" / "valid"
SPECS = {"events": EVENTS, "places": PLACES, "sources": SOURCES}

Edit = Callable[[Path], None]
MakeApp = Callable[..., AppTest]


# --- editing a copy of the valid fixture ------------------------------------------------------


def read_table(folder: Path, table: str) -> tuple[list[str], list[list[str]]]:
    text = (folder / f"{table}.csv").read_text(encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return header, rows


def write_table(
    folder: Path,
    table: str,
    header: list[str],
    rows: list[list[str]],
    *,
    newline: str = "\n",
    encoding: str = "utf-8",
) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    (folder / f"{table}.csv").write_bytes(out.getvalue().encode(encoding))


def cells(table: str, changes: dict[tuple[int, str], str]) -> Edit:
    """Set cells by (data row from 0, column name); data row i is on line i + 2."""

    def edit(folder: Path) -> None:
        header, rows = read_table(folder, table)
        for (row, column), value in changes.items():
            rows[row][header.index(column)] = value
        write_table(folder, table, header, rows)

    return edit


def cell(table: str, row: int, column: str, value: str) -> Edit:
    return cells(table, {(row, column): value})


def text(table: str, change: Callable[[str], str]) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / f"{table}.csv"
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(change(before), encoding="utf-8", newline="")

    return edit


def raw_bytes(table: str, change: Callable[[bytes], bytes]) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / f"{table}.csv"
        path.write_bytes(change(path.read_bytes()))

    return edit


def every_table(change: Callable[[Path, str], None]) -> Edit:
    def edit(folder: Path) -> None:
        for table in SPECS:
            change(folder, table)

    return edit


def _bom(folder: Path, table: str) -> None:
    header, rows = read_table(folder, table)
    write_table(folder, table, header, rows, encoding="utf-8-sig")


def _crlf(folder: Path, table: str) -> None:
    header, rows = read_table(folder, table)
    write_table(folder, table, header, rows, newline="\r\n")


def columns(table: str, change: Callable[[list[str], list[list[str]]], None]) -> Edit:
    """Change the header and rows together (drop, add, reorder or rename columns)."""

    def edit(folder: Path) -> None:
        header, rows = read_table(folder, table)
        change(header, rows)
        write_table(folder, table, header, rows)

    return edit


def _drop_claimant(header: list[str], rows: list[list[str]]) -> None:
    i = header.index("claimant")
    for line in (header, *rows):
        del line[i]


def _add_extra(header: list[str], rows: list[list[str]]) -> None:
    header.append("extra")
    for row in rows:
        row.append("x")


def _notes_named_summary(header: list[str], _rows: list[list[str]]) -> None:
    header[header.index("notes")] = "summary"


def _reversed_columns(header: list[str], rows: list[list[str]]) -> None:
    for line in (header, *rows):
        line.reverse()


def _padded_header(header: list[str], _rows: list[list[str]]) -> None:
    header[:] = [f"  {h} " for h in header]


def _header_only(folder: Path) -> None:
    header, _ = read_table(folder, "events")
    write_table(folder, "events", header, [])


def _directory(folder: Path) -> None:
    (folder / "events.csv").unlink()
    (folder / "events.csv").mkdir()


def _fifo(folder: Path) -> None:
    (folder / "events.csv").unlink()
    os.mkfifo(folder / "events.csv")


def _dangling_link(folder: Path) -> None:
    (folder / "events.csv").unlink()
    (folder / "events.csv").symlink_to(folder / "nowhere.csv")


def free_text_columns(spec: TableSpec) -> list[str]:
    """Columns holding free text (no pattern, no closed list) that the fixture files have (the
    columns imports added may be absent from them)."""
    return [
        c.name
        for c in spec.columns
        if c.kind in ("text", "list") and c.pattern is None and not c.may_be_absent
    ]


def everywhere(value: str) -> Edit:
    """``value`` in every free-text field of the first row of every table (ids and lists
    of ids keep theirs, so the references still resolve)."""

    def edit(folder: Path) -> None:
        for table, spec in SPECS.items():
            names = [c for c in free_text_columns(spec) if c not in ("source_ids", "waypoints")]
            cells(table, {(0, name): value for name in names})(folder)

    return edit


# --- the cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    edit: Edit
    #: The exact problems (file name, no folder); empty = accepted, every page must render.
    problems: tuple[str, ...] = ()


def rejected(case_id: str, edit: Edit, *problems: str) -> Case:
    assert problems, "a rejected case names its problems"
    return Case(case_id, edit, problems)


def accepted(case_id: str, edit: Edit) -> Case:
    return Case(case_id, edit)


DIGITS = "(write digits as ASCII 0-9)"
FIGURE = f"is not a whole number from 0 to {FIGURE_MAX} (blank = not stated)"
CONTROL = "only tab and line breaks are allowed"
BIG = "y" * (FIELD_SIZE_LIMIT + 1)
LEGIT_TEXTS = {
    "less_than": "fatalities <10",
    "greater_than": "losses > 200",
    "arrow": "Goris -> Lachin",
    "handle": "@AzDefenceMinistry",
    "minus": "-20 °C nights",
    "plus_minus": "+/- 10",
    "equals": "= as stated",
    "script": "<script>alert(1)</script>",
    "img": '<img src=x onerror="alert(1)">',
    "js_breakers": "`${alert(1)}` \\ </script> \u2028 line",
    "markdown": "*Bold* [link](http://e.vil) $x$ :red[red] # head",
    "tab_and_newline": "a\ttab and a\nnewline",
    "rtl_and_emoji": "Ստեփանակերտ Xankəndi \u200f\u0645\u0631\u062d\u0628\u0627\u200f 🕊️",
}

DISTANCES_HEADER = "source_id,from_place,to_place,value,unit,direction,quote,notes\n"
DISTANCE_ROW = "a000,Baku,Khankendi,{v},km,W,about {v} kilometres,\n"

CASES: list[Case] = [
    # the files themselves
    accepted("baseline", lambda _folder: None),
    accepted("bom", every_table(_bom)),
    accepted("crlf", every_table(_crlf)),
    accepted("quoted_newline", cell("events", 0, "summary", "two\nlines, quoted")),
    accepted("quoted_crlf", cell("events", 0, "summary", "two\r\nlines, CRLF inside quotes")),
    accepted("blank_lines", text("events", lambda s: s.replace("\n", "\n\n") + "\n\n")),
    accepted("header_only_events", _header_only),
    accepted("columns_reordered", columns("events", _reversed_columns)),
    accepted("header_spaces", columns("events", _padded_header)),
    rejected(
        "empty_file",
        text("events", lambda _s: ""),
        "events.csv:1: -: file is empty (no header row)",
    ),
    rejected(
        "only_delimiters",
        text("events", lambda _s: ",,,\n"),
        "events.csv:1: -: the header row has no column names",
    ),
    rejected("directory", _directory, "events.csv:0: -: is a directory, not a file"),
    rejected("fifo", _fifo, "events.csv:0: -: is not a regular file"),
    rejected("dangling_symlink", _dangling_link, "events.csv:0: -: file not found"),
    rejected(
        "invalid_utf8",
        raw_bytes("events", lambda b: b.replace(b"NK officials", b"NK \xff officials", 1)),
        "events.csv:0: -: not valid UTF-8 (invalid start byte at byte {at})",
    ),
    rejected(
        "utf16",
        raw_bytes("sources", lambda b: b.decode("utf-8").encode("utf-16")),
        "sources.csv:0: -: not valid UTF-8 (invalid start byte at byte 0)",
    ),
    rejected(
        "unclosed_quote",
        text("events", lambda s: s.rstrip("\n") + ',"never closed\n'),
        "events.csv:5: -: malformed CSV: unexpected end of data",
    ),
    rejected(
        "field_over_limit",
        cell("events", 3, "notes", BIG),
        "events.csv:5: -: a field is longer than 16 MiB (unclosed quote?)",
    ),
    # the header
    rejected(
        "missing_column",
        columns("events", _drop_claimant),
        "events.csv:1: claimant: required column is missing",
    ),
    rejected(
        "unknown_column", columns("events", _add_extra), "events.csv:1: extra: unknown column"
    ),
    rejected(
        "duplicated_column",
        columns("events", _notes_named_summary),
        "events.csv:1: summary: duplicate column (columns 19 and 21)",
        "events.csv:1: notes: required column is missing",
    ),
    rejected(
        "trailing_delimiter",
        text("events", lambda s: s.replace("\n", ",\n")),
        "events.csv:1: -: column 22 has no name (a trailing delimiter?)",
    ),
    rejected(
        "trailing_delimiter_one_row",
        text("events", lambda s: s.replace("\nE002", ",\nE002")),
        "events.csv:2: -: row has 22 fields, the header has 21",
    ),
    rejected(
        "short_row",
        text("events", lambda s: s + "E005,I004\n"),
        "events.csv:6: -: row has 2 fields, the header has 21",
    ),
    # control characters
    rejected(
        "nul_byte",
        cell("events", 0, "summary", "before\x00after"),
        f"events.csv:2: summary: contains control character U+0000; {CONTROL}",
    ),
    rejected(
        "escape_char",
        cell("places", 0, "name", "Stepanakert\x1b[31m"),
        f"places.csv:2: name: contains control character U+001B; {CONTROL}",
    ),
    rejected(
        "delete_char",
        cell("sources", 0, "headline", "head\x7fline"),
        f"sources.csv:2: headline: contains control character U+007F; {CONTROL}",
    ),
    # dates
    accepted(
        "dates_at_window_edges",
        cells(
            "events",
            {
                (2, "date_start"): DATE_MIN.isoformat(),
                (2, "date_end"): DATE_MAX.isoformat(),
                (2, "date_precision"): "year",
            },
        ),
    ),
    accepted("published_at_window_edge", cell("sources", 0, "published", DATE_MIN.isoformat())),
    rejected(
        "date_year_1",
        cell("events", 0, "date_start", "0001-01-01"),
        "events.csv:2: date_start: '0001-01-01' is before 1900-01-01, the earliest date allowed",
    ),
    rejected(
        "date_year_9999",
        cell("events", 0, "date_end", "9999-12-31"),
        "events.csv:2: date_end: '9999-12-31' is after 2100-12-31, the latest date allowed",
    ),
    rejected(
        "date_before_window",
        cell("sources", 1, "published", "1899-12-31"),
        "sources.csv:3: published: '1899-12-31' is before 1900-01-01, the earliest date allowed",
    ),
    rejected(
        "date_30_february",
        cell("events", 0, "date_end", "2023-02-30"),
        "events.csv:2: date_end: '2023-02-30' is not an ISO date (YYYY-MM-DD)",
    ),
    rejected(
        "date_basic_format",
        cell("events", 0, "date_start", "20230919"),
        "events.csv:2: date_start: '20230919' is not an ISO date (YYYY-MM-DD)",
    ),
    rejected(
        "date_iso_week",
        cell("events", 0, "date_start", "2023-W38-2"),
        "events.csv:2: date_start: '2023-W38-2' is not an ISO date (YYYY-MM-DD)",
    ),
    rejected(
        "date_fullwidth_digits",
        cell("events", 0, "date_start", "\uff12\uff10\uff12\uff13-09-19"),
        "events.csv:2: date_start: '\uff12\uff10\uff12\uff13-09-19' "
        f"is not an ISO date (YYYY-MM-DD) {DIGITS}",
    ),
    rejected(
        "date_end_before_start",
        cell("events", 0, "date_end", "2023-09-18"),
        "events.csv:2: date_end: before date_start",
    ),
    # figures
    accepted(
        "figures_at_the_maximum",
        cells("events", {(0, "fatalities"): str(FIGURE_MAX), (0, "injured"): str(FIGURE_MAX)}),
    ),
    accepted(
        "figures_zero_and_leading_zeros",
        cells("events", {(0, "fatalities"): "0", (0, "injured"): "007"}),
    ),
    rejected(
        "fatalities_2_63",
        cell("events", 0, "fatalities", str(2**63)),
        f"events.csv:2: fatalities: '{2**63}' {FIGURE}",
    ),
    rejected(
        "fatalities_over_max",
        cell("events", 0, "fatalities", str(FIGURE_MAX + 1)),
        f"events.csv:2: fatalities: '{FIGURE_MAX + 1}' {FIGURE}",
    ),
    rejected(
        "fatalities_1e23",
        cell("events", 0, "fatalities", "1e23"),
        f"events.csv:2: fatalities: '1e23' {FIGURE}",
    ),
    rejected(
        "fatalities_negative",
        cell("events", 0, "fatalities", "-1"),
        f"events.csv:2: fatalities: '-1' {FIGURE}",
    ),
    rejected(
        "fatalities_fraction",
        cell("events", 0, "injured", "1.5"),
        f"events.csv:2: injured: '1.5' {FIGURE}",
    ),
    rejected(
        "fatalities_arabic_indic",
        cell("events", 0, "fatalities", "\u0663"),
        f"events.csv:2: fatalities: '\u0663' {FIGURE} {DIGITS}",
    ),
    rejected(
        "fatalities_fullwidth",
        cell("events", 0, "fatalities", "\uff13"),
        f"events.csv:2: fatalities: '\uff13' {FIGURE} {DIGITS}",
    ),
    rejected(
        "fatalities_words",
        cell("events", 0, "fatalities", "dozens"),
        f"events.csv:2: fatalities: 'dozens' {FIGURE}",
    ),
    # coordinates
    accepted(
        "coordinates_at_the_bounds",
        cells("places", {(4, "lat"): "-90", (4, "lon"): "180"}),
    ),
    rejected(
        "lat_over_90",
        cell("places", 0, "lat", "90.5"),
        "places.csv:2: lat: '90.5' is out of range [-90, 90]",
    ),
    rejected(
        "lon_under_180",
        cell("places", 0, "lon", "-181"),
        "places.csv:2: lon: '-181' is out of range [-180, 180]",
    ),
    rejected(
        "lat_nan", cell("places", 0, "lat", "nan"), "places.csv:2: lat: 'nan' is not a number"
    ),
    rejected(
        "lon_inf", cell("places", 0, "lon", "inf"), "places.csv:2: lon: 'inf' is not a number"
    ),
    rejected(
        "lat_huge", cell("places", 0, "lat", "1e400"), "places.csv:2: lat: '1e400' is not a number"
    ),
    rejected(
        "lat_underscore",
        cell("places", 0, "lat", "3_9.8"),
        "places.csv:2: lat: '3_9.8' is not a number",
    ),
    rejected(
        "lat_arabic_indic",
        cell("places", 0, "lat", "\u0663\u0669.\u0668"),
        f"places.csv:2: lat: '\u0663\u0669.\u0668' is not a number {DIGITS}",
    ),
    # stated distances (optional file; its place names resolve through the gazetteer)
    accepted(
        "stated_distance_at_the_maximum",
        text("stated_distances", lambda _s: DISTANCES_HEADER + DISTANCE_ROW.format(v="20000")),
    ),
    rejected(
        "stated_distance_1e23",
        text("stated_distances", lambda _s: DISTANCES_HEADER + DISTANCE_ROW.format(v="1e23")),
        "stated_distances.csv:2: value: '1e23' is not a positive number up to 20000",
    ),
    rejected(
        "stated_distances_a_directory",
        lambda folder: (folder / "stated_distances.csv").mkdir(),
        "stated_distances.csv:0: -: is a directory, not a file",
    ),
    # ids and references
    rejected(
        "unknown_place",
        cell("events", 0, "place_id", "atlantis"),
        "events.csv:2: place_id: unknown place 'atlantis'",
    ),
    rejected(
        "unknown_source",
        cell("events", 0, "source_ids", "a000;a009"),
        "events.csv:2: source_ids: unknown source 'a009'",
    ),
    rejected(
        "duplicated_event_id",
        cell("events", 1, "event_id", "E001"),
        "events.csv:2: event_id: duplicate value 'E001'",
        "events.csv:3: event_id: duplicate value 'E001'",
    ),
    rejected(
        "duplicated_place_id",
        cell("places", 1, "place_id", "stepanakert"),
        "places.csv:2: place_id: duplicate value 'stepanakert'",
        "places.csv:3: place_id: duplicate value 'stepanakert'",
        "places.csv:5: waypoints: unknown waypoint 'shusha'",  # the corridor runs through it
    ),
    rejected(
        "event_id_arabic_indic",
        cell("events", 3, "event_id", "E\u0660\u0660\u0664"),
        f"events.csv:5: event_id: 'E\u0660\u0660\u0664' is not an event id like E004 (or "
        f"<dataset>:<id> for an imported dataset) {DIGITS}",
    ),
    rejected(
        "time_of_day_arabic_indic",
        cell("events", 0, "time_of_day", "1\u0663:00"),
        f"events.csv:2: time_of_day: '1\u0663:00' does not match "
        f"{EVENTS.column('time_of_day').pattern} {DIGITS}",
    ),
    rejected(
        "header_only_sources",
        text("sources", lambda s: s.splitlines()[0] + "\n"),
        "events.csv:2: source_ids: unknown source 'a000'; unknown source 'a001'",
        "events.csv:3: source_ids: unknown source 'a001'",
        "events.csv:4: source_ids: unknown source 'a000'",
        "events.csv:5: source_ids: unknown source 'a001'",
    ),
    # free text: kept as written
    *(accepted(f"text_{name}", everywhere(value)) for name, value in LEGIT_TEXTS.items()),
    accepted("text_over_128_kib", cell("events", 0, "summary", "word " * 40_000)),
    accepted("very_long_line", cell("events", 1, "notes", "z" * 3_000_000)),
]


def _problem_text(problem: Problem) -> str:
    return f"{Path(problem.file).name}:{problem.line}: {problem.field}: {problem.message}"


MakeDir = Callable[["Case"], Path]


@pytest.fixture
def case_dir(tmp_path: Path) -> MakeDir:
    def make(case: Case) -> Path:
        folder = tmp_path / case.id
        shutil.copytree(VALID, folder)
        case.edit(folder)
        return folder

    return make


def expected_problems(case: Case, folder: Path) -> list[str]:
    """The case's problems, with a byte offset filled in where the message names one."""
    events = folder / "events.csv"
    at = events.read_bytes().find(b"\xff") if events.is_file() else -1
    return [p.replace("{at}", str(at)) for p in case.problems]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_names_every_problem_or_accepts(
    case: Case, case_dir: MakeDir, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = case_dir(case)
    expected = expected_problems(case, folder)
    found = [_problem_text(p) for p in validate_files(default_paths(folder)).problems]
    assert found == expected
    code = events_cli(["validate", str(folder)])
    out = capsys.readouterr().out.splitlines()
    assert code == (1 if expected else 0)
    if expected:
        assert [line.replace(f"{folder}{os.sep}", "") for line in out] == expected
        with pytest.raises(DataValidationError) as info:
            load_dataset(folder)
        assert [_problem_text(p) for p in info.value.problems] == expected
    else:
        assert out[0].startswith("ok:")


ACCEPTED = [c for c in CASES if not c.problems]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.id for c in ACCEPTED])
def test_every_page_renders_what_validate_accepts(
    case: Case, case_dir: MakeDir, app_factory: MakeApp
) -> None:
    folder = case_dir(case)
    claims = len(load_dataset(folder).events)
    at: AppTest = app_factory(folder)
    for page in dashboard.PAGES:
        if page is not dashboard.PAGES[0]:
            at.switch_page(page.path).run()
        assert not at.exception, (page.title, [e.value for e in at.exception])
        assert not at.error, (page.title, [e.value for e in at.error])
        counts = [m.value for m in at.markdown if f"of {claims} claims" in m.value]
        assert counts, (page.title, "no claim count on the page")


def test_an_empty_dataset_shows_an_empty_state_on_every_page(
    case_dir: MakeDir, app_factory: MakeApp
) -> None:
    folder = case_dir(next(c for c in CASES if c.id == "header_only_events"))
    at: AppTest = app_factory(folder)
    for page in dashboard.PAGES:
        if page is not dashboard.PAGES[0]:
            at.switch_page(page.path).run()
        assert not at.exception, page.title
        assert not at.error, page.title
        notices = [m.value for m in (*at.info, *at.caption, *at.markdown)]
        assert any("0 of 0 claims" in n for n in notices), page.title
        # Data lists datasets and Add article takes an article: neither shows the view
        if page.title not in ("Map", "Places", "Data", "Add article"):
            assert any("No claims match" in i.value for i in at.info), page.title


def test_validate_never_prints_a_traceback(case_dir: MakeDir) -> None:
    """The command as a user runs it, on a directory where events.csv should be."""
    folder = case_dir(next(c for c in CASES if c.id == "directory"))
    done = subprocess.run(
        [sys.executable, "-m", "src.events", "validate", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout == f"{folder / 'events.csv'}:0: -: is a directory, not a file\n"


def test_an_unreadable_file_is_a_problem(
    case_dir: MakeDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission bits do not stop root, so the refusal is simulated at the read."""
    folder = case_dir(CASES[0])
    real = Path.read_text

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        if self.name == "events.csv":
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", refuse)
    found = [_problem_text(p) for p in validate_files(default_paths(folder)).problems]
    assert found == ["events.csv:0: -: cannot be read (permission denied)"]
