"""``kcm geo``: in-process with a fixture gazetteer and fakes, and against the real
data/places.csv for the "done when" checks. Nothing here uses the network: online paths
always get an injected fake geocoder. (tests/test_cli.py runs the installed command once.)"""

from __future__ import annotations

import io
import json
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from geopy import exc as geopy_exc

from src.geo.__main__ import main
from src.geo.online import make_rate_limiter

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "geo" / "places.csv"
REAL_PLACES = REPO / "data" / "places.csv"


class FakeLocation:
    def __init__(self, lat: float, lon: float, address: str = "") -> None:
        self.latitude, self.longitude, self.address = lat, lon, address
        self.raw: dict[str, Any] = {}


class FakeGeocoder:
    """Answers from a table keyed by query; raises ``error`` if set."""

    def __init__(self, table: dict[str, Any] | None = None, error: Exception | None = None) -> None:
        self.table = table or {}
        self.error = error
        self.calls: list[str] = []

    def geocode(self, query: str, exactly_one: bool = True, **kwargs: Any) -> Any:  # noqa: ARG002 - geopy's signature
        self.calls.append(query)
        if self.error is not None:
            raise self.error
        return self.table.get(query)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s


def run(argv: list[str], **deps: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    deps.setdefault("env", {})
    code = main(argv, stdout=out, stderr=err, **deps)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def base(tmp_path: Path) -> list[str]:
    """Common options: the fixture gazetteer and a private, empty cache."""
    return ["--places", str(FIXTURE), "--cache", str(tmp_path / "geocode.sqlite")]


# --- lookup --------------------------------------------------------------------------------


def test_lookup_text(base: list[str]) -> None:
    code, out, err = run(["lookup", "Khankendi", *base])
    assert code == 0, err
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert lines["name"] == "Stepanakert / Khankendi"
    assert lines["place_id"] == "stepanakert"
    assert lines["lat"] == "39.815300"
    assert lines["lon"] == "46.751900"
    assert lines["kind"] == "city"
    assert lines["precision"] == "exact"
    assert lines["provenance"].startswith("gazetteer (name match on 'Khankendi'")
    assert "geometry" not in lines  # points need no geometry line


def test_lookup_json_same_place_for_both_names(base: list[str]) -> None:
    _, a, _ = run(["lookup", "Khankendi", "--json", *base])
    _, b, _ = run(["lookup", "Xankəndi", "--json", *base])
    ja, jb = json.loads(a), json.loads(b)
    assert ja["place_id"] == jb["place_id"] == "stepanakert"
    assert ja["geometry"] == jb["geometry"] == {"type": "Point", "coordinates": [46.7519, 39.8153]}
    assert len(a.strip().splitlines()) == 1  # one JSON object


def test_lookup_corridor_prints_its_line(base: list[str]) -> None:
    code, out, _ = run(["lookup", "Lachin Corridor", *base])
    assert code == 0
    geometry_line = next(line for line in out.splitlines() if line.startswith("geometry"))
    geometry = json.loads(geometry_line.split(None, 1)[1])
    assert geometry["type"] == "LineString"
    assert len(geometry["coordinates"]) == 5
    assert geometry["coordinates"][0] == [46.7519, 39.8153]


def test_lookup_unknown_exits_1_with_suggestion(base: list[str]) -> None:
    code, out, err = run(["lookup", "Stepanakertt", *base])
    assert code == 1
    assert out == ""
    assert err.splitlines()[0] == "error: unknown place 'Stepanakertt'. Did you mean: Stepanakert?"
    assert "--online" in err  # offline hint


def test_lookup_online_uses_fake_and_caches(base: list[str], tmp_path: Path) -> None:
    fake = FakeGeocoder({"Martakert": [FakeLocation(40.21, 46.81, "Aghdara, Azerbaijan")]})
    clock = Clock()
    limiter = make_rate_limiter(clock=clock, sleep=clock.sleep)
    code, out, err = run(
        ["lookup", "Martakert", "--online", "--json", *base], geocoder=fake, limiter=limiter
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["provenance"]["source"] == "nominatim"
    assert data["provenance"]["retrieved_at"]
    assert data["place_id"] is None
    assert (tmp_path / "geocode.sqlite").exists()

    # Offline now: served from the cache, the fake is not asked again.
    code, out, _ = run(["lookup", "Martakert", "--json", *base], geocoder=fake)
    assert code == 0
    assert json.loads(out)["provenance"]["source"] == "cache"
    assert fake.calls == ["Martakert"]


def test_lookup_online_failure_is_reported(base: list[str]) -> None:
    fake = FakeGeocoder(error=geopy_exc.GeocoderUnavailable("no route to host"))
    code, _, err = run(
        ["lookup", "Martakert", "--online", *base],
        geocoder=fake,
        limiter=make_rate_limiter(0.0),
    )
    assert code == 1
    assert "unknown place 'Martakert'" in err
    assert "service unavailable" in err


def test_lookup_without_online_never_calls_geocoder(base: list[str]) -> None:
    fake = FakeGeocoder(error=AssertionError("network!"))
    code, _, _ = run(["lookup", "Martakert", *base], geocoder=fake)
    assert code == 1
    assert fake.calls == []


def test_env_var_turns_online_on(base: list[str]) -> None:
    fake = FakeGeocoder({"Martakert": [FakeLocation(40.21, 46.81)]})
    code, _, _ = run(
        ["lookup", "Martakert", *base],
        env={"KCM_GEOCODER_ONLINE": "1"},
        geocoder=fake,
        limiter=make_rate_limiter(0.0),
    )
    assert code == 0
    assert fake.calls == ["Martakert"]


def test_invalid_places_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "places.csv"
    bad.write_text("place_id,name\nx,X\n", encoding="utf-8")
    code, _, err = run(["lookup", "X", "--places", str(bad)])
    assert code == 2
    assert "invalid" in err
    assert "required column is missing" in err


# --- distance ------------------------------------------------------------------------------


def test_distance_text_and_json() -> None:
    code, out, _ = run(["distance", "Stepanakert", "Goris", "--places", str(FIXTURE)])
    assert code == 0
    assert out.startswith("Stepanakert / Khankendi -> Goris: 49.2 km (30.6 mi)")
    code, out, _ = run(["distance", "Yevlakh", "Khankendi", "--json", "--places", str(FIXTURE)])
    data = json.loads(out)
    assert data["km"] == pytest.approx(95.27, abs=0.05)
    assert data["miles"] == pytest.approx(data["km"] / 1.609344, abs=0.001)
    assert data["from"]["place_id"] == "yevlakh"
    assert data["to"]["place_id"] == "stepanakert"


def test_distance_is_symmetric_and_zero_to_itself() -> None:
    _, ab, _ = run(["distance", "Shusha", "Lachin", "--json", "--places", str(FIXTURE)])
    _, ba, _ = run(["distance", "Lachin", "Shusha", "--json", "--places", str(FIXTURE)])
    assert json.loads(ab)["km"] == json.loads(ba)["km"]
    _, same, _ = run(["distance", "Shusha", "Şuşa", "--json", "--places", str(FIXTURE)])
    assert json.loads(same)["km"] == 0


def test_distance_notes_a_line_endpoint() -> None:
    code, _, err = run(["distance", "Lachin road", "Goris", "--places", str(FIXTURE)])
    assert code == 0
    assert "representative point" in err


def test_distance_unknown_place() -> None:
    code, out, err = run(["distance", "Stepanakertt", "Goris", "--places", str(FIXTURE)])
    assert code == 1
    assert out == ""
    assert "Did you mean: Stepanakert?" in err


# --- refresh -------------------------------------------------------------------------------


@pytest.fixture
def places_copy(tmp_path: Path) -> Path:
    path = tmp_path / "places.csv"
    shutil.copyfile(FIXTURE, path)
    return path


def test_refresh_requires_online(places_copy: Path) -> None:
    fake = FakeGeocoder(error=AssertionError("network!"))
    code, _, err = run(["refresh", "--places", str(places_copy)], geocoder=fake)
    assert code == 2
    assert "--online" in err
    assert fake.calls == []


def test_refresh_service_down_fails_gracefully(places_copy: Path) -> None:
    before = places_copy.read_bytes()
    fake = FakeGeocoder(error=geopy_exc.GeocoderUnavailable("Name or service not known"))
    clock = Clock()
    code, out, err = run(
        ["refresh", "--online", "--write", "--places", str(places_copy)],
        geocoder=fake,
        limiter=make_rate_limiter(1.0, clock=clock, sleep=clock.sleep),
    )
    assert code == 1
    rows = {line.split()[0]: line for line in out.splitlines()[1:-1]}
    assert "lachin_corridor" not in rows  # lines are not geocoded
    assert rows["moscow"].endswith("skipped (outside region)")
    for pid in ("stepanakert", "shusha", "lachin", "hakari_bridge", "goris", "aghdam", "yevlakh"):
        assert "service unavailable" in rows[pid]
    assert len(fake.calls) == 3  # stops asking after 3 outages in a row
    assert clock.sleeps == [pytest.approx(1.0)] * 2  # paced, on the fake clock
    assert "could not be refreshed" in err
    assert "nothing to write" in out.splitlines()[-1]
    assert places_copy.read_bytes() == before


def refresh_fake() -> FakeGeocoder:
    return FakeGeocoder(
        {
            "Stepanakert": [FakeLocation(39.8177, 46.7528)],  # 0.3 km off
            "Shusha": [FakeLocation(39.7601, 46.7499)],
            "Lachin": [FakeLocation(39.6374, 46.5498)],
            "Hakari bridge checkpoint": None,
            "Goris": [FakeLocation(39.5111, 46.3417)],
            "Aghdam": [FakeLocation(40.9, 45.6)],  # the Tovuz village: ~130 km away
            "Yevlakh": [FakeLocation(50.0, 8.0)],  # Europe: rejected
        }
    )


def test_refresh_prints_drift_and_writes_nothing_by_default(places_copy: Path) -> None:
    before = places_copy.read_bytes()
    code, out, err = run(
        ["refresh", "--online", "--places", str(places_copy)],
        geocoder=refresh_fake(),
        limiter=make_rate_limiter(0.0),
    )
    assert code == 1  # some places could not be refreshed
    lines = out.splitlines()
    assert lines[0].split() == [
        "place_id", "gaz_lat", "gaz_lon", "online_lat", "online_lon", "drift_km", "status",
    ]  # fmt: skip
    rows = {line.split()[0]: line.split() for line in lines[1:-1]}
    assert rows["stepanakert"][3:7] == ["39.8177", "46.7528", "0.28", "ok"]
    assert rows["aghdam"][5] == "151.27"
    assert " ".join(rows["aghdam"][6:]) == "suspect (> 25 km)"
    assert " ".join(rows["hakari_bridge"][6:]) == "not found"
    assert " ".join(rows["yevlakh"][6:]) == "out of region"
    assert " ".join(rows["moscow"][6:]) == "skipped (outside region)"
    assert "lachin_corridor" not in rows
    assert "not written" in lines[-1]
    assert "yevlakh" in err
    assert "outside the region" in err
    assert places_copy.read_bytes() == before


def test_refresh_write_changes_only_coords_of_ok_rows(places_copy: Path) -> None:
    from src.csvio import read_raw
    from src.dataset import load_places

    before = read_raw(places_copy).frame
    code, out, _ = run(
        ["refresh", "--online", "--write", "--places", str(places_copy)],
        geocoder=refresh_fake(),
        limiter=make_rate_limiter(0.0),
    )
    assert code == 1
    assert "wrote 4 row(s)" in out.splitlines()[-1]
    after = read_raw(places_copy).frame
    assert list(after.columns) == list(before.columns)
    assert list(after["place_id"]) == list(before["place_id"])
    changed = {"stepanakert", "shusha", "lachin", "goris"}
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        for column in before.columns:
            if old["place_id"] in changed and column in ("lat", "lon", "coord_source"):
                continue
            assert new[column] == old[column], (old["place_id"], column)
    row = after.set_index("place_id").loc["stepanakert"]
    assert (row["lat"], row["lon"]) == ("39.8177", "46.7528")
    assert row["coord_source"].startswith("nominatim ")
    assert "was 39.8153, 46.7519" in row["coord_source"]
    assert after.set_index("place_id").loc["aghdam", "lat"] == "39.9931"  # suspect: kept
    load_places(places_copy)  # still valid
    assert sorted(p.name for p in places_copy.parent.iterdir()) == ["places.csv"]


# --- the real gazetteer, as a user runs it -------------------------------------------------


@dataclass
class Completed:
    """What a finished ``kcm geo`` run left: its exit code and output."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, tmp_path: Path) -> Completed:
    """``kcm geo ARGS`` in-process on the real data (no KCM_* variables), private cache."""
    code, out, err = run([*args, "--cache", str(tmp_path / "geocode.sqlite")], env={})
    return Completed(code, out, err)


def test_real_khankendi_equals_stepanakert(tmp_path: Path) -> None:
    assert REAL_PLACES.exists()
    a = cli("lookup", "Khankendi", "--json", tmp_path=tmp_path)
    b = cli("lookup", "Stepanakert", "--json", tmp_path=tmp_path)
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    assert ja["place_id"] == jb["place_id"] == "stepanakert"
    assert (ja["lat"], ja["lon"], ja["geometry"]) == (jb["lat"], jb["lon"], jb["geometry"])


def test_real_lachin_corridor_is_a_linestring(tmp_path: Path) -> None:
    result = cli("lookup", "Lachin Corridor", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["place_id"] == "lachin_corridor"
    assert data["geometry"]["type"] == "LineString"
    assert len(data["geometry"]["coordinates"]) >= 2


def test_real_typo_exits_1_with_suggestion(tmp_path: Path) -> None:
    result = cli("lookup", "Stepanakertt", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "error: unknown place 'Stepanakertt'. Did you mean: Stepanakert?" in result.stderr


@pytest.mark.parametrize("mode", [0o644, 0o664])
def test_refresh_write_keeps_the_files_permissions(places_copy: Path, mode: int) -> None:
    places_copy.chmod(mode)
    _code, out, _ = run(  # exit 1: the fake knows only four of the places
        ["refresh", "--online", "--write", "--places", str(places_copy)],
        geocoder=refresh_fake(),
        limiter=make_rate_limiter(0.0),
    )
    assert "wrote 4 row(s)" in out.splitlines()[-1], out
    assert stat.S_IMODE(places_copy.stat().st_mode) == mode


def test_data_option_picks_places_and_cache(tmp_path: Path) -> None:
    data = tmp_path / "other"
    data.mkdir()
    shutil.copyfile(FIXTURE, data / "places.csv")
    code, out, err = run(["lookup", "Khankendi", "--json", "--data", str(data)])
    assert code == 0, err
    assert json.loads(out)["place_id"] == "stepanakert"
    # without --data, KCM_DATA_DIR names the folder; an empty one has no places.csv
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(["lookup", "Khankendi"], env={"KCM_DATA_DIR": str(empty)})
    assert code == 2
    assert str(empty / "places.csv") in err
