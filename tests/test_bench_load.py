"""The load bench's light client speaks Streamlit's protocol, and the app's caches are bounded."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.stclient import (
    ProtocolError,
    RunResult,
    _read_one,
    cookie_header,
    cookies_set,
    date_micros,
    element_kind,
    exception_in,
    range_state,
    rerun_message,
    string_state,
    strings_state,
    widget_in,
)
from src.ui import data


def test_rerun_message_round_trips_through_the_wire_format():
    states = [
        string_state("$$ID-a-f_period", "Offensive (19–21 Sep 2023)"),
        strings_state("$$ID-b-f_sides", ["Armenia", "Russia"]),
        range_state("$$ID-c-f_range_all", 1.0, 2.0),
    ]
    wire = rerun_message("period=offensive", "hash1", states).SerializeToString()
    msg = BackMsg()
    msg.ParseFromString(wire)
    assert msg.WhichOneof("type") == "rerun_script"
    run = msg.rerun_script
    assert (run.query_string, run.page_script_hash) == ("period=offensive", "hash1")
    by_id = {w.id: w for w in run.widget_states.widgets}
    assert by_id["$$ID-a-f_period"].string_value == "Offensive (19–21 Sep 2023)"
    assert list(by_id["$$ID-b-f_sides"].string_array_value.data) == ["Armenia", "Russia"]
    assert list(by_id["$$ID-c-f_range_all"].double_array_value.data) == [1.0, 2.0]


def test_date_micros_is_what_streamlit_date_sliders_carry():
    assert date_micros(date(1970, 1, 2)) == 86_400_000_000
    assert date_micros(date(2023, 9, 19)) == 1_695_081_600_000_000


def _element_msg(kind: str) -> ForwardMsg:
    msg = ForwardMsg()
    getattr(msg.delta.new_element, kind).SetInParent()
    return msg


def test_widgets_and_exceptions_are_read_from_deltas():
    radio = _element_msg("radio")
    radio.delta.new_element.radio.id = "$$ID-x-f_period"
    radio.delta.new_element.radio.label = "Period"
    radio.delta.new_element.radio.options.extend(["All dates", "Offensive"])
    found = widget_in(radio)
    assert found is not None
    assert (found.kind, found.id, found.label) == ("radio", "$$ID-x-f_period", "Period")
    assert found.options == ("All dates", "Offensive")

    slider = _element_msg("slider")
    slider.delta.new_element.slider.min, slider.delta.new_element.slider.max = 5.0, 9.0
    found = widget_in(slider)
    assert found is not None
    assert (found.low, found.high) == (5.0, 9.0)

    boom = _element_msg("exception")
    boom.delta.new_element.exception.type = "KeyError"
    boom.delta.new_element.exception.message = "'source_ids'"
    assert exception_in(boom) == ("KeyError: 'source_ids'", False)
    assert widget_in(boom) is None
    assert exception_in(radio) is None


def test_a_run_ends_only_when_it_finished_successfully():
    result = RunResult()
    boom = _element_msg("exception")
    boom.delta.new_element.exception.message = "bad"
    assert _read_one(boom, result) is False
    cut = ForwardMsg()
    cut.script_finished = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
    assert _read_one(cut, result) is False
    done = ForwardMsg()
    done.script_finished = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
    assert _read_one(done, result) is True
    assert result.exceptions == [": bad"]
    broken = ForwardMsg()
    broken.script_finished = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
    with pytest.raises(ProtocolError):
        _read_one(broken, result)


def test_every_cache_of_the_app_is_bounded():
    cached = {
        name: obj._info for name, obj in vars(data).items() if type(obj).__name__ == "CachedFunc"
    }
    assert {"_load", "_options", "_gazetteer"} <= set(cached)
    for name, info in cached.items():
        assert info.max_entries is not None, f"{name} has no max_entries"
        assert info.max_entries <= 64, f"{name} keeps {info.max_entries} entries"
    # every view-level cache shares one budget in bytes as well as in entries
    assert data.VIEWS.max_entries <= 64
    assert data.VIEWS.max_bytes <= 1_000_000_000


def test_the_cookies_a_page_sets_are_sent_back_without_their_attributes():
    jar = cookies_set(["KCM_APP=app2; path=/; HttpOnly", "_xsrf=2|ab|cd; Path=/; SameSite=Lax"])
    assert jar == {"KCM_APP": "app2", "_xsrf": "2|ab|cd"}
    assert cookie_header(jar) == "KCM_APP=app2; _xsrf=2|ab|cd"
    assert cookies_set([]) == {}


def test_a_first_run_names_its_page_and_later_runs_follow_the_navigation_hash():
    msg = BackMsg()
    msg.ParseFromString(rerun_message("", "", [], page_name="Claims").SerializeToString())
    assert msg.rerun_script.page_name == "Claims"
    nav = ForwardMsg()
    nav.navigation.page_script_hash = "claims-hash"
    result = RunResult()
    assert _read_one(nav, result) is False
    assert result.page_hash == "claims-hash"


def test_bytes_are_counted_per_element_kind():
    assert element_kind(_element_msg("dataframe")) == "dataframe"
    assert element_kind(ForwardMsg()) == "other"
