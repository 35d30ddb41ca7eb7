"""Tests for src.assets.bundle: one script file per map, in st_folium's order (no network)."""

from __future__ import annotations

import os
from pathlib import Path

import folium
import folium.plugins as plugins
import pytest

from src.assets import bundle, manifest
from src.assets.bundle import BUNDLE_DIR, bundle_scripts, script_links
from src.assets.localize import OWN_BASE_URL, iter_elements, localize_map
from tests.test_assets import _touch_all

BASE = "/app/static/vendor"


@pytest.fixture(autouse=True)
def _fresh_cache():
    bundle._written.cache_clear()
    yield
    bundle._written.cache_clear()


def _map_and_layer() -> tuple[folium.Map, folium.FeatureGroup]:
    m = folium.Map(location=[39.8, 46.75], zoom_start=9, tiles=None)
    plugins.Fullscreen().add_to(m)
    group = folium.FeatureGroup(name="Claims")
    plugins.MarkerCluster().add_to(group)
    return m, group


def _bundled(static_dir: Path, url: str) -> str:
    assert url.startswith(f"{BASE}/{BUNDLE_DIR}/")
    return (static_dir / BUNDLE_DIR / url.rsplit("/", 1)[1]).read_text(encoding="utf-8")


def _all_js(*roots: folium.Element) -> list[str]:
    return [u for r in roots for e in iter_elements(r) for _, u in getattr(e, "default_js", [])]


def test_one_link_holds_every_script_in_load_order_once(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    m, group = _map_and_layer()
    localize_map(m, static_dir=tmp_path)
    localize_map(group, static_dir=tmp_path)
    before = script_links(m, group)
    names = [n for n, _ in before]
    assert names.index("leaflet") < names.index(manifest.ICON_PATH_ASSET)
    assert len({u for _, u in before}) == len(before)  # each URL once

    url = bundle_scripts(m, group, static_dir=tmp_path)

    assert url is not None
    text = _bundled(tmp_path, url)
    for name, link in before:
        path = tmp_path / link.removeprefix(BASE + "/")
        assert text.count(path.read_text()) == 1, name
    at = [text.index(f"/* {(tmp_path / u.removeprefix(BASE + '/')).name} */") for _, u in before]
    assert at == sorted(at)  # st_folium's order: leaflet first, the cluster after it
    assert _all_js(m, group) == [url]  # the map carries the one link, the elements none
    group.add_to(m)  # as st_folium does with feature_group_to_add
    assert _all_js(m) == [url]


def test_own_scripts_are_bundled_too(tmp_path: Path) -> None:
    from src.mapview.frontend import KcmElement

    _touch_all(tmp_path)
    m, _ = _map_and_layer()
    KcmElement().add_to(m)
    localize_map(m, static_dir=tmp_path)
    own = [u for _, u in script_links(m) if u.startswith(OWN_BASE_URL + "/")]
    assert own  # map.js
    url = bundle_scripts(m, static_dir=tmp_path)
    assert url is not None
    assert "window.kcm" in _bundled(tmp_path, url)


def test_a_cdn_script_leaves_the_map_as_it_was(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    (tmp_path / str(manifest.local_path(manifest.ASSETS_BY_NAME["markerclusterjs"]))).unlink()
    m, group = _map_and_layer()
    localize_map(m, static_dir=tmp_path)
    report = localize_map(group, static_dir=tmp_path)
    assert "markerclusterjs" in report.cdn
    before = _all_js(m, group)

    assert bundle_scripts(m, group, static_dir=tmp_path) is None
    assert _all_js(m, group) == before
    assert not (tmp_path / BUNDLE_DIR).exists()


def test_the_name_follows_the_content_and_classes_keep_their_links(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    class_links = list(plugins.MarkerCluster.default_js)

    def once() -> str:
        m, group = _map_and_layer()
        localize_map(m, static_dir=tmp_path)
        localize_map(group, static_dir=tmp_path)
        url = bundle_scripts(m, group, static_dir=tmp_path)
        assert url is not None
        return url

    first = once()
    assert once() == first  # same files, same bundle
    leaflet = tmp_path / str(manifest.local_path(manifest.ASSETS_BY_NAME["leaflet"]))
    leaflet.write_text("window.L = 'new version'")
    os.utime(leaflet, ns=(1, 1))
    second = once()
    assert second != first
    assert "new version" in _bundled(tmp_path, second)
    assert plugins.MarkerCluster.default_js == class_links  # set per instance, not per class
    assert not list((tmp_path / BUNDLE_DIR).glob(".*.tmp"))  # no half-written file left


def test_old_bundles_are_pruned_and_a_pruned_one_is_written_again(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    leaflet = tmp_path / str(manifest.local_path(manifest.ASSETS_BY_NAME["leaflet"]))
    urls = []
    for n in range(bundle.KEEP + 3):
        leaflet.write_text(f"window.L = {n}")
        os.utime(leaflet, ns=(n + 1, n + 1))
        m = folium.Map(tiles=None)
        localize_map(m, static_dir=tmp_path)
        url = bundle_scripts(m, static_dir=tmp_path)
        assert url is not None
        urls.append(url)
    assert len(list((tmp_path / BUNDLE_DIR).glob("*.js"))) == bundle.KEEP
    assert (tmp_path / BUNDLE_DIR / urls[-1].rsplit("/", 1)[1]).is_file()

    # another process pruned the bundle this one remembers: it is written again
    (tmp_path / BUNDLE_DIR / urls[-1].rsplit("/", 1)[1]).unlink()
    m = folium.Map(tiles=None)
    localize_map(m, static_dir=tmp_path)
    assert bundle_scripts(m, static_dir=tmp_path) == urls[-1]
    assert "window.L = 18" in _bundled(tmp_path, urls[-1])
