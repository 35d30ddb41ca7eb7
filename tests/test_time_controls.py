"""The sidebar's time controls under AppTest: the From/To inputs beside the slider, the
notices for days outside the period, and playback and the briefing title in the link."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = str(ROOT / "tests" / "fixtures" / "valid")  # 4 claims, 12 Dec 2022 – 20 Sep 2023


@pytest.fixture
def app(app_factory):
    def make(data: str = FIXTURE, **params: str) -> AppTest:
        at = app_factory(data, **params)
        assert not at.exception
        return at

    return make


def shown(at: AppTest) -> int:
    line = next(m.value for m in at.markdown if "claims shown" in m.value)
    found = re.match(r"\*\*(\d+) of", line)
    assert found is not None
    return int(found.group(1))


def field(at: AppTest, label: str):
    """The From or To input (keyed by the range it shows, so found by its label)."""
    (found,) = [d for d in at.sidebar.date_input if d.label == label]
    return found


def inputs(at: AppTest) -> tuple[date, date]:
    return field(at, "From").value, field(at, "To").value


def param(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return [value] if isinstance(value, str) else list(value)


def plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)  # the notices are escaped markdown


def test_a_preset_shows_its_dates_in_the_inputs(app):
    at = app()
    assert inputs(at) == (date(2022, 12, 12), date(2023, 9, 20))  # the data's own span
    at.radio(key="f_period").set_value("offensive").run()
    assert inputs(at) == (date(2023, 9, 19), date(2023, 9, 21))
    assert at.slider(key="f_range_offensive").value == (date(2023, 9, 19), date(2023, 9, 21))


def test_a_typed_day_moves_the_slider_the_link_and_the_count(app):
    at = app()
    assert shown(at) == 4
    field(at, "From").set_value(date(2023, 9, 20)).run()
    assert at.slider(key="f_range_all").value == (date(2023, 9, 20), date(2023, 9, 20))
    assert param(at, "from") == ["2023-09-20"]
    assert shown(at) == 1
    field(at, "To").set_value(date(2023, 9, 19)).run()  # before From now
    assert inputs(at) == (date(2023, 9, 20), date(2023, 9, 20))
    assert "From 2023-09-20 is after To 2023-09-19" in plain(at.sidebar.warning[0].value)


def test_the_slider_moves_the_inputs(app):
    at = app()
    at.slider(key="f_range_all").set_value((date(2023, 1, 1), date(2023, 9, 19))).run()
    assert inputs(at) == (date(2023, 1, 1), date(2023, 9, 19))
    assert param(at, "to") == ["2023-09-19"]


def test_a_typed_day_outside_the_period_is_said_not_clamped(app):
    """The inputs take any day of the data; one outside the period is not taken silently."""
    at = app(period="offensive")
    field(at, "From").set_value(date(2023, 1, 1)).run()
    assert inputs(at) == (date(2023, 9, 19), date(2023, 9, 21))
    (notice,) = [plain(w.value) for w in at.sidebar.warning]
    assert "From 2023-01-01 is before the start of the period Offensive" in notice
    assert "starts at its first day, 19 Sep 2023" in notice
    field(at, "To").set_value(date(2023, 9, 20)).run()  # a new range: it goes
    assert not at.sidebar.warning


def test_a_link_day_outside_its_period_is_a_notice_naming_it(app):
    """?period=background&from=2023-09-19 used to become 10 Nov 2020 without a word."""
    at = app(str(ROOT / "data"), period="background", **{"from": "2023-09-19"})
    text = plain(" ".join(w.value for w in at.warning))
    assert "Ignored from=2023-09-19" in text
    assert "after the end of the period Background" in text
    assert field(at, "To").value == date(2020, 11, 10)
    assert field(at, "From").value < date(2020, 11, 10)  # the whole period
    assert "from" not in at.query_params  # the link now says what is shown


def test_playback_and_the_briefing_title_live_in_the_link(app):
    at = app(playback="1", speed="7", at="2023-09-19", title="Day one")
    assert at.toggle(key="f_playback").value is True
    assert at.selectbox(key="f_speed").value == "7"
    assert at.session_state["b_title"] == "Day one"
    params = {k: param(at, k) for k in ("playback", "speed", "at", "title")}
    assert params == {
        "playback": ["1"],
        "speed": ["7"],
        "at": ["2023-09-19"],
        "title": ["Day one"],
    }
    assert not at.warning
    at.selectbox(key="f_speed").set_value("1").run()
    assert param(at, "speed") == ["1"]
    assert param(at, "at") == ["2023-09-19"]
    at.toggle(key="f_playback").set_value(False).run()
    assert not any(k in at.query_params for k in ("playback", "speed", "at"))
    assert param(at, "title") == ["Day one"]


def test_a_playback_day_outside_the_view_is_a_notice(app):
    at = app(playback="1", at="2024-05-01", speed="warp")
    text = plain(" ".join(w.value for w in at.warning))
    assert "Ignored at=2024-05-01" in text
    assert "12 Dec 2022 – 20 Sep 2023" in text
    assert "unknown speed 'warp'" in text
    assert "at" not in at.query_params
    assert at.toggle(key="f_playback").value is True


def test_a_linked_briefing_title_is_in_the_frame_and_follows_edits(app):
    at = app(briefing="1", title="Day one <b>draft</b>")
    assert at.text_input(key="b_title").value == "Day one <b>draft</b>"
    frame = next(e.proto.srcdoc for e in at.get("iframe") if "kcm-briefing-frame" in e.proto.srcdoc)
    assert "Day one &lt;b&gt;draft&lt;/b&gt;" in frame  # escaped in the frame
    at.text_input(key="b_title").input("Day two").run()
    assert param(at, "title") == ["Day two"]
    at.toggle(key="b_toggle_main").set_value(False).run()  # the title outlives the view
    assert param(at, "title") == ["Day two"]
