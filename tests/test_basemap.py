"""The offline basemap: cutting Natural Earth at fetch time (src/assets/geodata.py), pinning
and deriving it (manifest, fetch), and the folium layers that draw it (src/mapview/basemap.py)."""

from __future__ import annotations

import io
import json
import stat
import sys
import tarfile
from pathlib import Path
from typing import Any

import folium
import pytest

from src.assets import fetch, geodata, manifest
from src.briefing.frame import frame_basemap
from src.briefing.mapscript import label_specs
from src.dataset import Dataset
from src.mapview import basemap
from src.mapview.build import BASEMAPS, base_map

# --- geodata ----------------------------------------------------------------------------

#: Two unit squares side by side: A (0..1) and B (1..2), sharing the arc x=1. Quantized with
#: scale 1 and delta-encoded, as TopoJSON files are.
TOPO: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [40, 38]},
    "arcs": [
        [[1, 0], [0, 1]],  # 0: shared edge, (41,38) -> (41,39)
        [[1, 1], [-1, 0], [0, -1], [1, 0]],  # 1: A's other sides (41,39)->(40,39)->(40,38)->(41,38)
        [[1, 0], [1, 0], [0, 1], [-1, 0]],  # 2: B's other sides (41,38)->(42,38)->(42,39)->(41,39)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Aland"}},
                {"type": "Polygon", "arcs": [[2, -1]], "properties": {"name": "B<script>"}},
            ],
        }
    },
}
LEVEL = geodata.Level("detail", "t.json", 39.0, 37.0, 43.0, 40.0, 3, 0.0)


def unpack(flat: list[int], scale: int) -> list[tuple[float, float]]:
    """The browser's decoding of ``_out`` (static/kcm/basemap.js ``unpack``)."""
    out, lat, lon = [], 0, 0
    for k in range(0, len(flat), 2):
        lat += flat[k]
        lon += flat[k + 1]
        out.append((lat / scale, lon / scale))
    return out


def test_arcs_decode_and_rings_join_reversed_arcs() -> None:
    arcs = geodata.decode_arcs(TOPO)
    assert arcs[0] == [(41, 38), (41, 39)]
    ring = geodata.ring_points([2, -1], arcs)
    assert ring == [(41, 38), (42, 38), (42, 39), (41, 39), (41, 38)]


def test_shared_arcs_are_borders_and_the_rest_coasts() -> None:
    level = geodata.countries_level(TOPO, LEVEL)
    assert [unpack(b, level["scale"]) for b in level["borders"]] == [[(38, 41), (39, 41)]]
    assert len(level["coasts"]) == 2
    assert len(level["land"]) == 2
    names = {lab["name"]: (lab["lat"], lab["lon"]) for lab in level["labels"]}
    assert set(names) == {"Aland", "B<script>"}
    lat, lon = names["Aland"]
    assert 38 < lat < 39  # inside its own square
    assert 40 < lon < 41


def test_clipping_keeps_only_what_touches_the_box() -> None:
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    clipped = geodata.clip_ring(square, 2, 2, 5, 5)
    assert abs(abs(geodata.ring_area(clipped)) - 9) < 1e-9
    assert geodata.clip_ring(square, 20, 20, 30, 30) == []
    line = [(0.0, 0.0), (1.0, 0.0), (3.0, 3.0), (9.0, 9.0), (20.0, 20.0), (30.0, 30.0)]
    runs = geodata.clip_line(line, 2, 2, 5, 5)
    assert runs == [[(1.0, 0.0), (3.0, 3.0), (9.0, 9.0)]]  # one point beyond at each end


def test_label_point_is_inside_a_concave_country() -> None:
    # an L: a centroid of its points would fall in the missing corner
    ring = [(0.0, 0.0), (10.0, 0.0), (10.0, 2.0), (2.0, 2.0), (2.0, 10.0), (0.0, 10.0)]
    x, y = geodata.label_point(ring)
    assert x <= 2 or y <= 2
    assert 0 < x < 10
    assert 0 < y < 10


def test_lines_are_delta_encoded_and_thinned_but_end_where_they_end() -> None:
    points = [(46.0, 39.0), (46.0001, 39.0), (46.5, 39.5), (46.5002, 39.5001)]
    assert unpack(geodata._out(points, 3), 1000) == [(39.0, 46.0), (39.5, 46.5)]
    thinned = unpack(geodata._out(points, 4, step=0.01), 10_000)
    assert thinned[0] == (39.0, 46.0)
    assert thinned[-1] == (39.5001, 46.5002)
    assert len(thinned) == 3


def _write_packages(root: Path) -> tuple[Path, Path]:
    atlas, mapeo = root / "atlas", root / "mapeo" / "dist"
    atlas.mkdir(parents=True)
    mapeo.mkdir(parents=True)
    for level in geodata.LEVELS:
        (atlas / level.topojson).write_text(json.dumps(TOPO))
    river = {"type": "LineString", "coordinates": [[40.5, 38.5], [41.5, 38.6]]}
    lake = {"type": "Polygon", "coordinates": [[[41.2, 38.2], [41.4, 38.2], [41.3, 38.4]]]}
    (mapeo / "rivers.json").write_text(
        json.dumps({"features": [{"properties": {"strokeweig": 0.3}, "geometry": river}]})
    )
    (mapeo / "lakes.json").write_text(
        json.dumps({"features": [{"properties": {"name": "Sevan"}, "geometry": lake}]})
    )
    return atlas, mapeo.parent


def test_build_data_has_every_level_and_a_script_names_cannot_break(tmp_path: Path) -> None:
    data = geodata.build_data(*_write_packages(tmp_path))
    assert set(data["levels"]) == {lv.name for lv in geodata.LEVELS}
    detail = data["levels"]["detail"]
    assert len(detail["rivers"]) == 1
    assert detail["lakes"][0]["name"] == "Sevan"
    assert data["levels"]["world"]["rivers"] == []  # the world level has no water
    script = geodata.basemap_script(data)
    assert script.count("<") == 0  # "B<script>" arrives as \u003c
    blob = script.split("=", 1)[1].rstrip().rstrip(";")
    assert "B<script>" in json.dumps(json.loads(blob)["levels"]["detail"]["labels"])


# --- manifest and fetch ------------------------------------------------------------------


def test_basemap_sources_are_pinned_and_derived() -> None:
    for name in manifest.BASEMAP_SOURCES:
        pkg = manifest.PACKAGES_BY_NAME[name]
        assert pkg.integrity.startswith("sha512-")
    assert manifest.derived_files() == (manifest.BASEMAP_FILE,)
    assert manifest.BASEMAP_FILE in fetch.expected_files()
    atlas = manifest.PACKAGES_BY_NAME["world-atlas"]
    assert {lv.topojson for lv in geodata.LEVELS} <= set(atlas.files)


def test_manifest_version_follows_the_cutting(monkeypatch: pytest.MonkeyPatch) -> None:
    before = manifest.manifest_version()
    monkeypatch.setattr(geodata, "FORMAT", geodata.FORMAT + 1)
    assert manifest.manifest_version() != before


FAKE_NPM = """#!{python}
import json, pathlib, shutil, sys
args = sys.argv[1:]
spec = args[1]
tarballs = {tarballs!r}
dest = pathlib.Path(args[args.index("--pack-destination") + 1])
name = spec.rsplit("@", 1)[0] + ".tgz"
shutil.copy(tarballs[spec], dest / name)
print(json.dumps([{{"filename": name}}]))
"""


def _tgz(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return path


def test_fetch_cuts_the_basemap_from_the_verified_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    atlas_dir, mapeo_dir = _write_packages(tmp_path / "src")
    atlas_files = {lv.topojson: (atlas_dir / lv.topojson).read_bytes() for lv in geodata.LEVELS}
    mapeo_files = {
        f"dist/{n}": (mapeo_dir / "dist" / n).read_bytes() for n in ("rivers.json", "lakes.json")
    }
    atlas_tgz = _tgz(tmp_path / "a.tgz", {"LICENSE": b"isc", **atlas_files})
    mapeo_tgz = _tgz(tmp_path / "m.tgz", {"package.json": b"{}", **mapeo_files})
    pins = (
        manifest.Package("world-atlas", "9.9.9", fetch.sri_sha512(atlas_tgz.read_bytes()),
                         ("LICENSE", *atlas_files)),
        manifest.Package("mapeo-offline-map", "9.9.9", fetch.sri_sha512(mapeo_tgz.read_bytes()),
                         ("package.json", *mapeo_files)),
    )  # fmt: skip
    monkeypatch.setattr(manifest, "PACKAGES", pins)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    npm = bindir / "npm"
    tarballs = {"world-atlas@9.9.9": str(atlas_tgz), "mapeo-offline-map@9.9.9": str(mapeo_tgz)}
    npm.write_text(FAKE_NPM.format(python=sys.executable, tarballs=tarballs))
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bindir))
    dest = tmp_path / "vendor"
    fetch.fetch(dest)
    script = (dest / manifest.BASEMAP_FILE).read_text()
    assert script.startswith("/* generated by src.assets.geodata")
    assert "window.kcmBasemapData=" in script
    assert fetch.is_current(dest)


def test_the_cut_fails_loudly_without_the_packages_files(tmp_path: Path) -> None:
    (tmp_path / "world-atlas-2.0.2").mkdir()
    with pytest.raises((ValueError, OSError)):
        manifest.derive(tmp_path)


# --- the map's layers --------------------------------------------------------------------


def test_offline_is_a_basemap_choice_beside_the_tiles(small: Dataset) -> None:
    assert basemap.OFFLINE in BASEMAPS
    m = base_map(small.places, small.events, "light")
    folium.LayerControl().add_to(m)  # as st_folium adds it
    html = m.get_root().render()
    assert "kcm.basemapLayer(" in html
    assert "kcm.tileFallback(" in html
    assert basemap.LABEL in html  # offered in the layer control
    # the fallback names the tile layers it watches
    call = html[html.index("kcm.tileFallback(") :].split(")", 1)[0]
    assert call.count("tile_layer_") == 2


def test_the_offline_choice_shows_the_vector_layer_and_no_tiles(small: Dataset) -> None:
    m = base_map(small.places, small.events, basemap.OFFLINE)
    layers = [c for c in m._children.values() if isinstance(c, basemap.OfflineBasemap)]
    assert len(layers) == 1
    assert layers[0].show
    tiles = [c for c in m._children.values() if type(c).__name__ == "TileLayer"]
    assert len(tiles) == 2
    assert not any(t.show for t in tiles)
    light = base_map(small.places, small.events, "light")
    shown = [c for c in light._children.values() if isinstance(c, basemap.OfflineBasemap)]
    assert not shown[0].show


def test_the_data_script_is_listed_only_when_fetched(tmp_path: Path) -> None:
    assert basemap.basemap_js(tmp_path) == [basemap.BASEMAP_JS]
    (tmp_path / manifest.BASEMAP_FILE).parent.mkdir(parents=True)
    (tmp_path / manifest.BASEMAP_FILE).write_text("window.kcmBasemapData={};")
    assert basemap.basemap_js(tmp_path) == [basemap.DATA_JS, basemap.BASEMAP_JS]


def test_the_briefing_draws_the_offline_basemap_unless_osm_tiles(bundled: Dataset) -> None:
    assert frame_basemap("light") == basemap.OFFLINE
    assert frame_basemap(basemap.OFFLINE) == basemap.OFFLINE
    assert frame_basemap("osm") == "osm"
    assert frame_basemap("none") == "none"
    with_countries = {s["name"] for s in label_specs(bundled.places, bundled.events)}
    without = {s["name"] for s in label_specs(bundled.places, bundled.events, countries=False)}
    assert {"Armenia", "Azerbaijan"} <= with_countries - without
