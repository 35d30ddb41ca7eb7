"""At a few thousand claims every page sends one page of its long tables and lists, says
which rows it shows, and sends no table at all until asked (the map's claims table)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench.bench_load import write_synthetic
from src.dataset import Dataset, load_dataset
from src.filters import FilterState, apply_filters

CLAIMS = 3000


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic(CLAIMS, tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="module")
def synthetic(folder: Path) -> Dataset:
    return load_dataset(folder)


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_map_sends_no_table_rows_until_asked_then_one_page(app_factory, folder, synthetic):
    at = app_factory(folder)
    assert not at.exception
    unlocated = int((synthetic.events["place_id"] == "").sum())
    assert unlocated  # the generator leaves some claims unlocated: their own table
    assert len(at.dataframe) == 0  # neither table is sent until its switch is on
    assert at.toggle(key="map_table_on").value is False
    assert at.toggle(key="map_unlocated_on").value is False
    at.toggle(key="map_unlocated_on").set_value(True).run()
    assert len(at.dataframe) == 1
    assert len(at.dataframe[0].value) == min(unlocated, 500)

    at.toggle(key="map_table_on").set_value(True).run()
    table = at.dataframe[-1]
    shown = apply_filters(synthetic.events, FilterState())
    assert len(table.value) == 500
    assert table.value["event_id"].tolist() == shown["event_id"].iloc[:500].tolist()
    assert "Claims 1–500 of 3,000 (page 1 of 6)." in captions(at)

    at.number_input(key="map_table_page").set_value(6).run()
    table = at.dataframe[-1]
    assert table.value["event_id"].tolist() == shown["event_id"].iloc[2500:].tolist()
    assert "Claims 2,501–3,000 of 3,000 (page 6 of 6)." in captions(at)

    at.selectbox(key="map_table_sort").set_value("date_start")
    at.radio(key="map_table_order").set_value("descending").run()
    table = at.dataframe[-1]  # sorted over all 3,000 before paging: page 6 holds the oldest
    assert table.value["date_start"].max() <= shown["date_start"].sort_values().iloc[499]
    stated = shown.set_index("event_id")["fatalities"]
    blank = stated[stated.isna()].index
    page_blank = table.value[table.value["event_id"].isin(blank)]["fatalities"]
    assert len(page_blank) > 0
    assert (page_blank == "not stated").all()  # blank is never 0


def test_claims_cards_come_fifty_incidents_a_page(app_factory, folder, synthetic):
    at = app_factory(folder, "pages/Claims.py")
    assert not at.exception
    incidents = synthetic.events["incident_id"].nunique()
    assert len(at.table) == 50
    assert f"Incidents 1–50 of {incidents:,} (page 1 of {-(-incidents // 50)})." in captions(at)
    at.number_input(key="claims_cards_page").set_value(2).run()
    first = sorted(synthetic.events["incident_id"].unique())[50]
    assert any(f"#### {first} ·" in m.value for m in at.markdown)


def test_timeline_caps_the_chart_and_pages_the_chronology(app_factory, folder):
    at = app_factory(folder, "pages/Timeline.py")
    assert not at.exception
    assert any("Showing the 1,500 most recent of 3,000 claims in view" in i.value for i in at.info)
    assert "Claims 1–500 of 3,000 (page 1 of 6)." in captions(at)
    lines = sum(m.value.count("\n- ") + m.value.startswith("- ") for m in at.markdown)
    assert lines == 500


def test_sources_coverage_comes_sixty_incidents_a_page(app_factory, folder, synthetic):
    at = app_factory(folder, "pages/Sources.py")
    assert not at.exception
    first = sorted(synthetic.events["incident_id"].unique())[0]
    matrix = next(d.value for d in at.dataframe if first in d.value.columns)
    assert matrix.shape[1] == 60
    incidents = synthetic.events["incident_id"].nunique()
    assert f"Incidents 1–60 of {incidents:,} (page 1 of {-(-incidents // 60)})." in captions(at)


def test_no_export_file_is_made_by_a_page_run(app_factory, folder, monkeypatch):
    import src.ui.briefing as ui_briefing

    made: list[str] = []

    def recorder(name: str):
        return lambda *_args, **_kwargs: made.append(name) or b""

    for name in ("claims_csv", "acled_csv", "claims_geojson", "build_briefing", "render_png"):
        monkeypatch.setattr(ui_briefing, name, recorder(name))
    at = app_factory(folder)
    assert not at.exception
    assert len(at.get("download_button")) == 6
    assert made == []  # the buttons hold callables, run only on a click
