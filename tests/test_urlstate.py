"""URL query parameters <-> filter state: round trips, lists, and hostile input."""

from __future__ import annotations

from datetime import date

from src.filters import FACETS, FilterState
from src.mapview.playback import SPEEDS, PlaybackState
from src.urlstate import (
    MAX_FOREIGN,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_VALUES,
    OWN_PARAMS,
    PARAMS,
    PLAYBACK_PARAMS,
    echo,
    echo_list,
    foreign_params,
    parse_playback,
    parse_query,
    parse_title,
    playback_query,
    title_query,
    to_query,
)

OPTIONS = {
    "datasets": ["articles", "acled_arm"],
    "sources": ["a000", "a001"],
    "sides": ["Azerbaijan", "Armenia", "Independent/media"],
    "claimants": ["Pashinyan, Nikol", "NK officials"],
    "actors": ["Government of Armenia"],
    "types": ["Battles", "Statements and talks"],
}


def test_every_facet_has_a_parameter():
    assert set(PARAMS.values()) == set(FACETS)


def test_round_trip():
    state = FilterState(
        period="offensive",
        date_from=date(2023, 9, 19),
        date_to=date(2023, 9, 20),
        datasets=("acled_arm",),
        sources=("a001",),
        sides=("Azerbaijan", "Armenia"),
        claimants=("Pashinyan, Nikol",),
        types=("Battles",),
        text="shelling",
    )
    assert to_query(state)["dataset"] == ["acled_arm"]
    parsed = parse_query(to_query(state), OPTIONS)
    assert parsed.state == state
    assert parsed.notices == ()


def test_defaults_make_an_empty_query():
    assert to_query(FilterState()) == {}


def test_repeated_and_comma_separated_values():
    parsed = parse_query({"side": ["Azerbaijan,Armenia", "Independent/media"]}, OPTIONS)
    assert parsed.state.sides == ("Azerbaijan", "Armenia", "Independent/media")


def test_known_value_with_a_comma_is_kept_whole():
    parsed = parse_query({"claimant": ["Pashinyan, Nikol"]}, OPTIONS)
    assert parsed.state.claimants == ("Pashinyan, Nikol",)


def test_unknown_values_are_dropped_with_a_notice():
    parsed = parse_query(
        {
            "period": ["war"],
            "from": ["yesterday"],
            "side": ["Azerbaijan,<script>"],
            "colour": ["red"],
        },
        OPTIONS,
    )
    assert parsed.state.period == "all"
    assert parsed.state.date_from is None
    assert parsed.state.sides == ("Azerbaijan",)
    text = " ".join(parsed.notices)
    assert "'war'" in text
    assert "yesterday" in text
    assert "<script>" in text
    assert "colour" in text


def test_reversed_dates_are_ignored():
    parsed = parse_query({"from": ["2023-09-20"], "to": ["2023-09-19"]}, OPTIONS)
    assert parsed.state.date_from is None
    assert parsed.state.date_to is None
    assert parsed.notices


def test_impossible_date_is_a_notice_not_a_crash():
    parsed = parse_query({"to": ["2023-02-30"]}, OPTIONS)
    assert parsed.state.date_to is None
    assert "2023-02-30" in parsed.notices[0]


# --- bounds: a link may carry anything, the app reads and writes back only so much ----------

BIG = "x" * 100_000


def test_a_huge_search_text_is_cut_with_a_notice():
    parsed = parse_query({"q": [BIG], "side": ["Armenia"]}, OPTIONS)
    assert parsed.state.text == "x" * MAX_TEXT_CHARS
    assert parsed.state.sides == ("Armenia",)  # the parameter after it still counts
    (notice,) = parsed.notices
    assert notice.startswith(f"Cut the search text q to its first {MAX_TEXT_CHARS} characters")
    assert "100,000" in notice
    assert len(notice) < 300  # names the value, does not repeat it


def test_a_huge_unknown_value_is_named_not_repeated():
    parsed = parse_query({"side": [BIG + ",Azerbaijan"], "period": [BIG], "to": [BIG]}, OPTIONS)
    assert parsed.state.sides == ("Azerbaijan",)
    assert parsed.state.period == "all"
    assert parsed.state.date_to is None
    assert len(parsed.notices) == 3
    assert all(len(n) < 300 and "100,000 characters" in n for n in parsed.notices)


def test_too_many_values_are_cut_to_the_first_ones():
    many = ",".join(f"v{i}" for i in range(5_000))
    parsed = parse_query({"side": ["Armenia," + many]}, OPTIONS)
    assert parsed.state.sides == ("Armenia",)
    text = " ".join(parsed.notices)
    assert f"Cut side to its first {MAX_VALUES} values (the link gave 5,001)" in text
    assert "'v0'" in text  # five quoted, then counted
    assert "'v4'" in text
    assert "'v5'" not in text
    assert f"and {MAX_VALUES - 1 - 5} more" in text
    assert len(text) < 500


def test_known_values_beyond_the_limit_are_dropped_too():
    parsed = parse_query({"side": ["Armenia"] * MAX_VALUES + ["Azerbaijan"]}, OPTIONS)
    assert parsed.state.sides == ("Armenia",)
    assert any(n.startswith("Cut side") for n in parsed.notices)


def test_unknown_parameters_are_listed_shortly():
    params = {f"p{i:03}": ["1"] for i in range(300)} | {BIG: ["1"]}
    parsed = parse_query(params, OPTIONS)
    notice, removed = parsed.notices
    assert notice.startswith("Ignored unknown parameter(s): 'p000', 'p001'")
    assert "and 296 more" in notice
    assert len(notice) < 200
    assert removed.startswith(f"Removed {301 - MAX_FOREIGN} unknown parameter(s) from the address")
    assert f"'p{MAX_FOREIGN:03}'" in removed  # the first ones beyond the limit
    assert len(removed) < 400


def test_the_view_parameters_are_not_foreign():
    parsed = parse_query({"basemap": ["osm"], "briefing": ["1"]}, OPTIONS)
    assert parsed.notices == ()
    assert {"basemap", "briefing", "q", "side"} <= OWN_PARAMS


def test_foreign_parameters_are_kept_only_while_small():
    params = {
        "side": ["Armenia"],  # the app's own: written from the widgets, never copied
        "utm_source": ["chat"],
        "huge": [BIG],
        BIG: ["1"],
        "repeated": ["1"] * (MAX_VALUES + 1),
        **{f"f{i}": ["1"] for i in range(MAX_FOREIGN + 5)},
    }
    kept = foreign_params(params)
    assert next(iter(kept)) == "utm_source"
    assert len(kept) == MAX_FOREIGN
    assert not {"side", "huge", BIG, "repeated"} & set(kept)
    assert sum(len(k) + sum(map(len, v)) for k, v in kept.items()) < 2_000


def test_what_is_written_back_is_bounded_and_reads_back_whole():
    state = FilterState(
        sides=tuple(f"s{i}" for i in range(MAX_VALUES + 10)),
        text="y" * (MAX_TEXT_CHARS + 50),
    )
    query = to_query(state)
    assert len(query["side"]) == MAX_VALUES
    assert query["q"] == ["y" * MAX_TEXT_CHARS]
    options = {"sides": [f"s{i}" for i in range(MAX_VALUES + 10)]}
    assert parse_query(query, options).notices == ()


def test_echo_shortens_long_values_only():
    assert echo("Martians") == "'Martians'"
    long = echo(BIG)
    assert long.startswith("'xxx")
    assert long.endswith("… (100,000 characters)")
    assert len(long) < 140
    assert echo_list(["a", "b"]) == "'a', 'b'"


def test_dataset_parameter_is_checked_and_bounded_like_the_others():
    parsed = parse_query({"dataset": ["acled_arm,<img src=x>", "articles"]}, OPTIONS)
    assert parsed.state.datasets == ("acled_arm", "articles")
    assert "Ignored unknown dataset value(s): '<img src=x>'" in " ".join(parsed.notices)
    many = parse_query({"dataset": ["acled_arm"] * (MAX_VALUES + 5)}, OPTIONS)
    assert many.state.datasets == ("acled_arm",)
    assert f"Cut dataset to its first {MAX_VALUES} values" in " ".join(many.notices)


# -- playback and the briefing title ------------------------------------------------------


def test_playback_round_trips_on_speed_and_day():
    state = PlaybackState(on=True, speed="7", at=date(2023, 3, 1))
    query = playback_query(state)
    assert query == {"playback": ["1"], "speed": ["7"], "at": ["2023-03-01"]}
    assert parse_playback(query) == (state, ())
    assert playback_query(PlaybackState(on=True)) == {"playback": ["1"]}
    assert playback_query(PlaybackState(on=False, speed="7", at=date(2023, 3, 1))) == {}
    assert parse_playback({}) == (PlaybackState(), ())
    assert set(PLAYBACK_PARAMS) <= OWN_PARAMS


def test_bad_playback_values_are_noticed_and_left_out():
    state, notices = parse_playback({"playback": ["maybe"], "speed": ["warp"], "at": ["soon"]})
    assert state == PlaybackState()
    text = " ".join(notices)
    assert "playback='maybe'" in text
    assert "'warp'" in text
    assert "auto" in text
    assert "at='soon'" in text
    for speed in SPEEDS:
        assert parse_playback({"playback": ["1"], "speed": [speed]})[0].speed == speed
    idle, notices = parse_playback({"speed": ["7"], "at": ["2023-09-20"]})
    assert idle == PlaybackState()
    assert notices == ("Ignored speed and at: playback is off (playback=1 turns it on).",)


def test_briefing_title_round_trips_and_is_cut_with_a_notice():
    assert parse_title(title_query("  Offensive, day two ")) == ("Offensive, day two", ())
    assert title_query("  ") == {}
    title, notices = parse_title({"title": ["x" * 500]})
    assert title == "x" * MAX_TITLE_CHARS
    assert "first 120 characters" in notices[0]
    assert "500" in notices[0]
    assert parse_query({"title": ["A"], "playback": ["1"]}, OPTIONS).notices == ()
