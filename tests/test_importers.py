"""The importers on hand-made files reproducing each format's quirks (tests/fixtures/import).

Every test imports into a copy of the bundled data folder and reads the result back through
``load_dataset``, the same path the app takes, so a row the loader would reject fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from src.briefing.exports import claims_csv, claims_geojson
from src.dataset import Dataset, DataValidationError, load_dataset
from src.importers import ImportError, ImportPlan, apply_import, detect, plan_import
from src.schema import EVENTS

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def imported(
    data_dir: Path, file: str, dataset: str | None = None
) -> tuple[ImportPlan, pd.DataFrame]:
    """Plan and apply one import; the plan and the dataset's claims as loaded, by original id."""
    plan = plan_import(data_dir, FIXTURES / file, dataset)
    apply_import(plan)
    events = load_dataset(data_dir).events
    mine = events[events["dataset"] == plan.dataset_id].set_index("original_id")
    return plan, mine


def lines(plan: ImportPlan) -> list[str]:
    return [str(p) for p in plan.problems]


def test_acled_current_claims_and_report(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_current.csv", dataset="ACLED test")
    assert (plan.new, plan.skipped, plan.merged) == (4, 3, 0)
    assert lines(plan) == [
        "acled_current.csv:6: event_type: 'Sieges' is not one of Battles, Explosions/Remote "
        "violence, Violence against civilians, Protests, Riots, Strategic developments, Access "
        "and aid, Statements and talks, Displacement and missing",
        "acled_current.csv:6: sub_event_type: 'Encirclement' is not one of the list in "
        "src/schema.py",
        "acled_current.csv:7: latitude: coordinates out of range (95.0, 46.8)",
        "acled_current.csv:8: -: duplicate of line 2",
    ]
    first = claims.loc["AZE1001"]
    assert first["event_id"] == "acled_test:AZE1001"
    assert first["place_id"] == "stepanakert"  # Khankendi, coordinates agree
    assert first["claimant"] == "Ministry of Defence of Azerbaijan"
    assert first["claimant_side"] == "Azerbaijan"
    assert first["fatalities"] == 0
    assert "writes 0 where no fatalities were reported" in first["figures_note"]
    assert first["verification"] == "unverified"
    assert '<script>alert(1)</script> & "shelling"' in first["summary"]
    assert "Вооружённые" in first["summary"]
    fields = json.loads(first["original_fields"])
    assert fields["fatalities"] == "0"
    assert fields["source_scale"] == "National"
    assert "notes" not in fields  # copied verbatim into summary
    # a mixed source (media + a party) is no party's claim
    assert claims.loc["AZE1002", "claimant_side"] == "Unknown"
    # Shusha's name with coordinates ~15 km off: a dataset place, not snapped
    shusha = claims.loc["AZE1003", "place_id"]
    assert shusha.startswith("acled_test:shusha_")
    places = load_dataset(data_dir).places.set_index("place_id")
    assert places.at[shusha, "lat"] == pytest.approx(39.7)
    assert places.at[shusha, "precision"] == "near"
    assert claims.loc["AZE1003", "date_start"] == pd.Timestamp("2023-09-19")
    assert claims.loc["AZE1004", "date_start"] == pd.Timestamp("2020-05-09")
    assert claims.loc["AZE1004", "summary"] == "=1+1 spreadsheet bait; @handle"  # text as text


def test_reimport_updates_in_place(data_dir: Path) -> None:
    imported(data_dir, "acled_current.csv", dataset="ACLED test")
    plan, claims = imported(data_dir, "acled_current.csv", dataset="acled_test")
    assert (plan.new, plan.unchanged) == (0, 4)
    assert len(claims) == 4
    datasets = load_dataset(data_dir).datasets.set_index("dataset_id")
    assert datasets.at["acled_test", "rows"] == 4
    assert datasets.at["articles", "name"] == "Articles (5)"


def test_detect_reports_layout_mapping_and_preview() -> None:
    found = detect(FIXTURES / "acled_current.csv")
    assert (found.format, found.layout, found.encoding) == ("acled", "acled-current", "utf-8")
    assert found.mapping["source"] == "claimant, claimant_side"
    assert "tags" in found.unmapped
    assert found.preview[0]["place_id"] == "stepanakert"


def test_unknown_layout_is_an_error(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportError, match="not a layout"):
        plan_import(data_dir, path)


def test_acled_api_2019_bom_crlf_and_long_dates(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_api_2019.csv")
    assert plan.detection.layout == "acled-api-2019"
    assert plan.detection.encoding == "utf-8-sig"
    assert "CRLF line ends" in plan.detection.notes
    assert list(claims.index) == ["ARM501", "ARM502"]
    assert claims.loc["ARM501", "date_start"] == pd.Timestamp("2020-09-27")
    assert claims.loc["ARM501", "place_id"] == "goris"
    assert claims.loc["ARM501", "claimant_side"] == "Armenia"
    assert claims.loc["ARM502", "fatalities"] == 2
    assert json.loads(claims.loc["ARM502", "original_fields"])["iso3"] == "ARM"


def test_acled_hdx_hxl_row_and_no_fatalities_column(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_hdx.csv")
    assert plan.detection.layout == "acled-hdx"
    assert plan.skipped == 0  # the HXL row is not a record
    assert claims["fatalities"].isna().all()  # not stated, not 0
    assert claims.loc["AZE3001", "place_id"] == "shusha"
    assert claims.loc["AZE3002", "place_id"] == "lachin"
    assert set(claims["claimant_side"]) == {"Unknown"}


def test_acled_v6_realtime(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_v6_realtime.csv")
    detection = plan.detection
    assert (detection.layout, detection.encoding) == ("acled-v6-realtime", "latin-1")
    assert "2 empty trailing header column(s) dropped" in detection.notes
    assert lines(plan) == [
        "acled_v6_realtime.csv:5: event_type: 'Riots/Protests' (ACLED v6) is Riots or "
        "Protests today; inter1 '3' does not say which (5 rioters, 6 protesters)"
    ]
    first = claims.loc["AZE101"]
    assert first["date_start"] == pd.Timestamp("2016-04-02")  # DD/MM/YYYY
    assert (first["event_type"], first["sub_event_type"]) == ("Battles", "Armed clash")
    assert first["claimant_side"] == "Azerbaijan"
    assert "Füzuli" in first["summary"]
    fields = json.loads(first["original_fields"])
    assert fields["ALLY_ACTOR_1"] == "Military Forces of Nagorno-Karabakh"
    remote = claims.loc["AZE102"]
    assert (remote["event_type"], remote["sub_event_type"]) == ("Explosions/Remote violence", "")
    assert claims.loc["AZE103", "event_type"] == "Protests"  # inter1 6: protesters


def test_acled_monadic_rows_merge_into_one_event(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_monadic.csv")
    assert (plan.new, plan.merged, plan.skipped) == (2, 1, 0)
    merged = claims.loc["AZE4001"]
    assert merged["actor1"] == "Military Forces of Azerbaijan (2003-)"
    assert merged["actor2"] == "Military Forces of Nagorno-Karabakh"
    assert merged["claimant_side"] == "Nagorno-Karabakh authorities"
    assert (
        json.loads(merged["original_fields"])["inter1 (Military Forces of Nagorno-Karabakh)"] == "2"
    )


def test_semicolons_crlf_and_a_truncated_last_record(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_truncated.csv")
    assert plan.detection.delimiter == ";"
    assert lines(plan) == [
        "acled_truncated.csv:3: -: truncated record: 8 fields, the header has 14"
    ]
    assert list(claims.index) == ["AZE5001"]
    skipped = plan.skipped_csv.decode()
    assert skipped.splitlines()[1].startswith('3,"-: truncated record')
    assert "AZE5002" in skipped


def test_utf16_tabs_and_ambiguous_slash_date(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "acled_utf16.txt")
    assert (plan.detection.encoding, plan.detection.delimiter) == ("utf-16", "\t")
    assert lines(plan) == [
        "acled_utf16.txt:3: event_date: unparseable date: '05/06/2023' is ambiguous "
        "(day/month or month/day); write it as YYYY-MM-DD"
    ]
    assert claims.loc["AZE6001", "place_id"] == "yevlakh"
    assert "«переговоры» — Եվլախ" in claims.loc["AZE6001", "summary"]


def test_cp1252_is_detected(tmp_path: Path, data_dir: Path) -> None:
    text = (FIXTURES / "acled_hdx.csv").read_text(encoding="utf-8")
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.replace("eco-activists", "“eco-activists”").encode("cp1252"))
    plan, claims = imported(data_dir, str(path))
    assert plan.detection.encoding == "cp1252"
    assert "“eco-activists”" in claims.loc["AZE3001", "summary"]


def test_ucdp_ged_ranges_and_precisions(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "ucdp_ged.csv")
    assert plan.detection.layout == "ucdp-ged"
    assert lines(plan) == ["ucdp_ged.csv:5: type_of_violence: '4' is not 1, 2 or 3"]
    first = claims.loc["401"]
    assert (first["fatalities"], first["fatalities_low"], first["fatalities_high"]) == (5, 3, 12)
    assert first["place_id"] == "stepanakert"  # "Stepanakert town", coordinates agree
    assert first["claimant"] == "Agence France Presse"
    assert first["claimant_side"] == "Unknown"
    assert "\u200fאבג\u200f <b>bold</b>" in first["summary"]  # RTL marks and tags as text
    district = claims.loc["402"]
    assert (district["event_type"], district["sub_event_type"]) == (
        "Violence against civilians",
        "Attack",
    )
    assert district["date_precision"] == "month"
    assert district["date_end"] == pd.Timestamp("2020-10-31")
    assert district["claimant_side"] == "Armenia"
    places = load_dataset(data_dir).places.set_index("place_id")
    assert places.at[district["place_id"], "precision"] == "region"
    assert places.at[district["place_id"], "name"] == "Khojavend district"
    assert claims.loc["403", "date_precision"] == "year"
    assert claims.loc["403", "claimant"] == "AFP 2020-10-02"  # source_article fallback


def test_ucdp_portal_without_relid_with_hxl(data_dir: Path) -> None:
    plan, claims = imported(data_dir, "ucdp_portal.csv")
    assert plan.detection.layout == "ucdp-portal"
    row = claims.loc["501"]
    assert row["date_precision"] == "week"  # date_prec 2
    assert (row["fatalities_low"], row["fatalities"], row["fatalities_high"]) == (2, 4, 6)
    assert row["claimant"] == "Xinhua 2020-10-06"


def test_bbox_skips_rows_outside(data_dir: Path) -> None:
    from src.importers import parse_bbox

    plan = plan_import(data_dir, FIXTURES / "acled_api_2019.csv", bbox=parse_bbox("39,46,40,47"))
    assert plan.new == 1
    assert lines(plan) == [
        "acled_api_2019.csv:3: latitude: (40.8808, 45.3917) is outside --bbox 39.0,46.0,40.0,47.0"
    ]


CLAIM_COLUMNS = [
    c for c in EVENTS.column_names if c not in ("event_id", "incident_id", "dataset", "original_id")
]


def _same_claims(before: pd.DataFrame, after: pd.DataFrame) -> None:
    """Every claim field equal, row by row (ids are namespaced into the new dataset)."""
    left = before.set_index("event_id")[CLAIM_COLUMNS].sort_index()
    right = after[CLAIM_COLUMNS].sort_index()
    assert list(right.index) == list(left.index)
    pd.testing.assert_frame_equal(left, right, check_names=False, check_dtype=False)


def test_kcm_csv_round_trip(tmp_path: Path, data_dir: Path, bundled: Dataset) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(claims_csv(bundled.events, bundled.places))
    plan, claims = imported(data_dir, str(path), dataset="roundtrip")
    assert (plan.detection.layout, plan.new, plan.skipped) == ("kcm-csv", 120, 0)
    _same_claims(bundled.events, claims)
    assert set(claims["incident_id"]) == {f"roundtrip:{i}" for i in bundled.events["incident_id"]}


def test_kcm_geojson_round_trip(tmp_path: Path, data_dir: Path, bundled: Dataset) -> None:
    path = tmp_path / "claims.geojson"
    collection = claims_geojson(bundled.events, bundled.places, bundled.sources)
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    plan, claims = imported(data_dir, str(path), dataset="roundtrip_geo")
    assert (plan.detection.layout, plan.new, plan.skipped) == ("kcm-geojson", 120, 0)
    _same_claims(bundled.events, claims)


def test_export_of_imported_claims_imports_with_their_places(
    tmp_path: Path, data_dir: Path
) -> None:
    """An ACLED import exported as CSV imports again, its dataset places rebuilt from lat/lon."""
    imported(data_dir, "acled_current.csv", dataset="acled_test")
    data = load_dataset(data_dir)
    mine = data.events[data.events["dataset"] == "acled_test"]
    path = tmp_path / "acled_export.csv"
    path.write_bytes(claims_csv(mine, data.places))
    plan, claims = imported(data_dir, str(path), dataset="again")
    assert (plan.new, plan.skipped) == (4, 0)
    again = claims.set_index("event_id")
    shusha = again.loc["again:acled_test:AZE1003", "place_id"]
    places = load_dataset(data_dir).places.set_index("place_id")
    assert shusha.startswith("again:shusha_")
    assert places.at[shusha, "lat"] == pytest.approx(39.7)
    assert again.loc["again:acled_test:AZE1001", "place_id"] == "stepanakert"
    assert again.loc["again:acled_test:AZE1004", "summary"] == "=1+1 spreadsheet bait; @handle"


def test_hostile_imported_text_is_escaped_in_map_payload_and_csv(data_dir: Path) -> None:
    """Imported notes with markup, quotes and scripts reach the map and CSV only escaped."""
    from src.mapview.build import claims_payload

    imported(data_dir, "acled_current.csv", dataset="acled_test")
    imported(data_dir, "ucdp_ged.csv", dataset="ucdp_test")
    data = load_dataset(data_dir)
    headlines = dict(zip(data.sources["source_id"], data.sources["headline"], strict=True))
    payload, _ = claims_payload(data.events, data.places, headlines)
    text = json.dumps(payload, ensure_ascii=False)
    assert "<script>" not in text
    assert "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in text
    rows = claims_csv(data.events, data.places).decode("utf-8-sig")
    assert "'=1+1 spreadsheet bait" in rows  # the formula guard applies to imported text


def test_a_dataset_holds_one_format(data_dir: Path) -> None:
    imported(data_dir, "acled_current.csv", dataset="mixed")
    with pytest.raises(ImportError, match="holds acled rows"):
        plan_import(data_dir, FIXTURES / "ucdp_ged.csv", "mixed")


def test_reimport_without_dataset_updates_the_same_one(data_dir: Path) -> None:
    first, _ = imported(data_dir, "acled_hdx.csv")
    again, claims = imported(data_dir, "acled_hdx.csv")
    assert again.dataset_id == first.dataset_id == "acled_hdx"
    assert (again.new, again.unchanged, len(claims)) == (0, 2, 2)


def test_concurrent_imports_conflict_instead_of_overwriting(data_dir: Path) -> None:
    from src.store import ConflictError

    one = plan_import(data_dir, FIXTURES / "acled_hdx.csv", "one")
    two = plan_import(data_dir, FIXTURES / "ucdp_portal.csv", "two")
    apply_import(one)
    with pytest.raises(ConflictError, match=r"datasets\.csv changed since you loaded it"):
        apply_import(two)
    assert list(load_dataset(data_dir).datasets["dataset_id"]) == ["articles", "one"]
    apply_import(plan_import(data_dir, FIXTURES / "ucdp_portal.csv", "two"))  # after reloading
    assert list(load_dataset(data_dir).datasets["dataset_id"]) == ["articles", "one", "two"]


def test_popup_names_the_dataset_its_id_range_and_fields(data_dir: Path) -> None:
    from src.mapview.popup import claim_popup
    from src.rows import records

    imported(data_dir, "ucdp_ged.csv", dataset="ucdp_test")
    events = load_dataset(data_dir).events
    row = next(r for r in records(events) if r["event_id"] == "ucdp_test:401")
    html = claim_popup(row, "Stepanakert", "exact", {})
    assert "ucdp_test · id 401" in html
    assert "killed: 5 (range 3–12)" in html
    assert "<b>where_prec</b>: 1" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html
    article = next(r for r in records(events) if r["event_id"] == "E001")
    assert "<th>Dataset</th><td>articles</td>" in claim_popup(article, "x", "exact", {})


def test_loaded_files_and_version_cover_the_imported_files(data_dir: Path) -> None:
    from src.validation import loaded_files

    before = load_dataset(data_dir).version
    imported(data_dir, "acled_hdx.csv", dataset="hdx")
    folder = data_dir / "imports" / "hdx"
    assert list(loaded_files(data_dir).values())[3:] == [
        data_dir / "stated_distances.csv",
        data_dir / "datasets.csv",
        data_dir / "periods.csv",
        folder / "sources.csv",
        folder / "places.csv",
        folder / "events.csv",
    ]
    assert load_dataset(data_dir).version != before


def test_loaded_files_is_parse_free_and_keys_the_snapshot(data_dir: Path) -> None:
    """The one file list needs no datasets.csv parse: a malformed one still gives file:line
    problems from the load; an edit to any listed file, even of a folder datasets.csv does
    not list, gives a new snapshot key (so a load never reads a stale snapshot)."""
    from src import snapshot
    from src.validation import loaded_files

    imported(data_dir, "acled_hdx.csv", dataset="hdx")
    stray = data_dir / "imports" / "stray" / "events.csv"
    stray.parent.mkdir()
    stray.write_text("event_id\n", encoding="utf-8")
    files = loaded_files(data_dir)
    assert files["imports/stray/events.csv"] == stray
    assert files["imports/hdx/events.csv"] == data_dir / "imports" / "hdx" / "events.csv"

    def key() -> str:
        names = list(loaded_files(data_dir))
        return snapshot.snapshot_key(snapshot.digest_files(loaded_files(data_dir), names)[0])

    before = key()
    stray.write_text("event_id\nx\n", encoding="utf-8")
    assert key() != before
    (data_dir / "datasets.csv").write_bytes(b'dataset_id,name\n"hdx,unclosed\n')
    assert list(loaded_files(data_dir)) == list(files)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_dir)
    malformed = [p for p in caught.value.problems if p.file.endswith("datasets.csv")]
    assert (malformed[0].line, malformed[0].message) == (2, "malformed CSV: unexpected end of data")
