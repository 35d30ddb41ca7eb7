"""Tests for src.assets: pinned manifest, npm fetch, map localization (no network)."""

from __future__ import annotations

import copy
import io
import stat
import sys
import tarfile
from pathlib import Path

import branca.colormap
import folium
import folium.plugins as plugins
import pytest

from src.assets import __main__ as cli
from src.assets import fetch, manifest
from src.assets.localize import inline_html, iter_elements, localize_map

BASE = "/app/static/vendor"
FOLIUM_CLASSES = (
    folium.Map,
    plugins.MarkerCluster,
    plugins.FastMarkerCluster,
    plugins.Fullscreen,
    plugins.Timeline,
    plugins.TimelineSlider,
)


def _links(cls: type) -> list[tuple[str, str]]:
    # Timeline is a GeoJson, not a JSCSSMixin: it has default_js but no default_css.
    return list(getattr(cls, "default_js", [])) + list(getattr(cls, "default_css", []))


def _touch_all(static_dir: Path, skip: tuple[str, ...] = ()) -> None:
    """Create a fake local file for every non-droppable asset except ``skip``."""
    for asset in manifest.ASSETS:
        rel = manifest.local_path(asset)
        if rel is not None and asset.name not in skip:
            (static_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (static_dir / rel).write_text(f"/* fake {asset.name} */")


def _sample_map() -> folium.Map:
    m = folium.Map(location=[39.8, 46.75], zoom_start=9, tiles=None, control_scale=True)
    cluster = plugins.MarkerCluster().add_to(m)
    folium.Marker([39.81, 46.75], icon=folium.Icon(icon="star", prefix="fa")).add_to(cluster)
    plugins.Fullscreen().add_to(m)
    folium.PolyLine([[39.8, 46.7], [39.9, 46.8]]).add_to(m)
    return m


def _collected_urls(m: folium.Map) -> list[str]:
    """The URL list st_folium would hand to its iframe."""
    urls = []
    for element in iter_elements(m):
        urls += [u for _, u in getattr(element, "default_js", [])]
        urls += [u for _, u in getattr(element, "default_css", [])]
    return list(dict.fromkeys(urls))


# --- manifest -----------------------------------------------------------------------


@pytest.mark.parametrize("cls", FOLIUM_CLASSES, ids=lambda c: c.__name__)
def test_every_folium_default_asset_is_pinned_or_droppable(cls: type) -> None:
    for name, url in _links(cls):
        asset = manifest.ASSETS_BY_NAME.get(name)
        assert asset is not None, f"{cls.__name__} uses unpinned asset {name!r}"
        assert url in asset.cdn_urls, f"folium changed {name!r} to {url}; update the pin"
        assert asset.droppable or manifest.local_path(asset) is not None


def test_manifest_entries_are_consistent() -> None:
    dirs = [p.local_dir for p in manifest.PACKAGES]
    assert len(set(dirs)) == len(dirs)
    for pkg in manifest.PACKAGES:
        assert pkg.integrity.startswith("sha512-"), pkg.name
        assert len(pkg.integrity) == 95, pkg.name
        assert "/" not in pkg.local_dir
        assert "@" not in pkg.local_dir
    generated = manifest.generated_files()
    for asset in manifest.ASSETS:
        rel = manifest.local_path(asset)
        if asset.droppable:
            assert asset.note.startswith("droppable"), asset.name
        elif asset.package is None:
            assert rel in generated, asset.name
        else:
            assert asset.file in manifest.PACKAGES_BY_NAME[asset.package].files, asset.name
        expected_ext = {"js": ".js", "css": ".css"}[asset.kind]
        assert rel is None or rel.endswith(expected_ext), asset.name


def test_css_siblings_are_pinned() -> None:
    files = set(fetch.expected_files())
    assert "leaflet-1.9.3/dist/images/marker-icon.png" in files
    assert "fortawesome-fontawesome-free-6.2.0/webfonts/fa-solid-900.woff2" in files
    assert "leaflet.awesome-markers-2.0.4/dist/images/markers-soft.png" in files
    assert "leaflet.fullscreen-3.0.0/icon-fullscreen.svg" in files


def test_rotate_css_covers_folium_icon_angles() -> None:
    css = manifest.rotate_css()
    assert ".fa-rotate-30{transform:rotate(30deg)}" in css
    assert ".fa-rotate--45{transform:rotate(-45deg)}" in css
    assert ".fa-rotate-361" not in css


def test_manifest_version_tracks_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    before = manifest.manifest_version()
    bumped = manifest.Package("moment", "2.18.2", "sha512-x", ("min/moment.min.js",))
    monkeypatch.setattr(manifest, "PACKAGES", (*manifest.PACKAGES[:-1], bumped))
    assert manifest.manifest_version() != before


# --- localize -----------------------------------------------------------------------


def test_localize_rewrites_to_local_files(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    m = _sample_map()
    report = localize_map(m, base_url=BASE + "/", static_dir=tmp_path)
    urls = _collected_urls(m)
    assert urls
    assert all(u.startswith(BASE + "/") for u in urls), urls
    assert f"{BASE}/leaflet-1.9.3/dist/leaflet.js" in urls
    assert f"{BASE}/leaflet.markercluster-1.5.3/dist/MarkerCluster.css" in urls
    assert report.offline_ready
    assert report.cdn_message() is None
    assert report.dropped == ["glyphicons_css"]
    assert "Control.Fullscreen.js" in report.local


def test_localize_adds_icon_path_fix_after_local_leaflet_only(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    m = _sample_map()
    localize_map(m, static_dir=tmp_path)
    localize_map(m, static_dir=tmp_path)
    names = [name for name, _ in m.default_js]
    assert names[:2] == ["leaflet", manifest.ICON_PATH_ASSET]
    assert names.count(manifest.ICON_PATH_ASSET) == 1
    assert dict(m.default_js)[manifest.ICON_PATH_ASSET].endswith("leaflet-icon-path.js")
    assert "images/" in manifest.icon_path_js()

    bare = tmp_path / "bare"
    _touch_all(bare, skip=("leaflet",))
    m2 = _sample_map()
    localize_map(m2, static_dir=bare)
    assert manifest.ICON_PATH_ASSET not in dict(m2.default_js)


def test_localize_falls_back_to_cdn_per_missing_file(tmp_path: Path) -> None:
    _touch_all(tmp_path, skip=("markerclusterjs", "leaflet_css"))
    m = _sample_map()
    report = localize_map(m, base_url=BASE, static_dir=tmp_path)
    assert list(report.cdn) == ["leaflet_css", "markerclusterjs"]
    assert report.cdn_message() == "map assets loaded from CDN: leaflet_css, markerclusterjs"
    urls = _collected_urls(m)
    assert plugins.MarkerCluster.default_js[0][1] in urls
    assert f"{BASE}/leaflet-1.9.3/dist/leaflet.js" in urls


def test_localize_without_any_files_keeps_cdn_but_drops_glyphicons(tmp_path: Path) -> None:
    m = _sample_map()
    report = localize_map(m, static_dir=tmp_path / "nothing")
    assert "leaflet" in report.cdn
    assert not report.local
    urls = _collected_urls(m)
    assert all(u.startswith("https://") for u in urls)
    assert not any("glyphicons" in u for u in urls)


def test_localize_does_not_mutate_folium_classes(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    before = {cls: copy.deepcopy(_links(cls)) for cls in FOLIUM_CLASSES}
    m = _sample_map()
    localize_map(m, static_dir=tmp_path)
    m.get_root().render()
    assert {cls: _links(cls) for cls in FOLIUM_CLASSES} == before
    fresh = _sample_map()
    assert all(u.startswith("https://") for u in _collected_urls(fresh))


def test_localize_is_idempotent_and_respects_unknown_versions(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    m = _sample_map()
    other = "https://example.invalid/leaflet@2.0.0/leaflet.js"
    m.default_js = [*folium.Map.default_js[1:], ("leaflet", other)]
    first = localize_map(m, static_dir=tmp_path)
    second = localize_map(m, static_dir=tmp_path)
    assert first.cdn == second.cdn == {"leaflet": other}
    assert second.local == first.local


def test_localize_reports_colormap_d3(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    m = _sample_map()
    branca.colormap.LinearColormap(["green", "red"], vmin=0, vmax=1).add_to(m)
    report = localize_map(m, static_dir=tmp_path)
    assert "d3" in report.cdn
    assert not report.offline_ready


def test_localize_removes_dropped_link_from_an_earlier_render(tmp_path: Path) -> None:
    _touch_all(tmp_path)
    m = _sample_map()
    assert "bootstrap-glyphicons.css" in m.get_root().render()
    localize_map(m, static_dir=tmp_path)
    assert "bootstrap-glyphicons.css" not in m.get_root().render()


def test_inline_html_embeds_local_assets(tmp_path: Path) -> None:
    _touch_all(tmp_path, skip=("Control.FullScreen.css",))
    leaflet_js = tmp_path / manifest.local_path(manifest.ASSETS_BY_NAME["leaflet"])
    leaflet_js.write_text("window.FAKE_LEAFLET = '</script>';")
    images = leaflet_js.parent / "images"
    images.mkdir()
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        (images / name).write_bytes(b"\x89PNG fake")
    css = tmp_path / manifest.local_path(manifest.ASSETS_BY_NAME["leaflet_css"])
    css.write_text(
        ".a{background:url(images/marker-icon.png)}"
        ".b{behavior:url(#default#VML)}"
        "@font-face{src:url(x.woff2) format('woff2'),url(x.ttf) format('truetype')}"
        '@font-face{font-family:"FontAwesome";src:url(legacy.woff2) format("woff2")}'
    )
    html = inline_html(_sample_map(), static_dir=tmp_path)
    assert f'src="{BASE}' not in html
    assert f'href="{BASE}' not in html
    assert r"window.FAKE_LEAFLET = '<\/script>';" in html
    assert 'url("data:image/png;base64,' in html
    assert "url(#default#VML)" in html
    assert "x.ttf" not in html
    assert "x.woff2" in html
    assert "legacy.woff2" not in html
    assert "L.Icon.Default.mergeOptions" in html
    fullscreen_css = plugins.Fullscreen.default_css[0][1]
    assert f'<link rel="stylesheet" href="{fullscreen_css}"/>' in html


# --- fetch: extraction ----------------------------------------------------------------


def _tarball(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return path


def test_extract_files_strips_top_folder_and_keeps_only_wanted(tmp_path: Path) -> None:
    tgz = _tarball(
        tmp_path / "p.tgz",
        {"package/dist/a.js": b"a", "package/dist/b.js": b"b", "package/README.md": b"r"},
    )
    out = tmp_path / "out"
    fetch.extract_files(tgz, ["dist/a.js"], out)
    assert (out / "dist/a.js").read_bytes() == b"a"
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["a.js"]


@pytest.mark.parametrize(
    ("members", "links"),
    [
        ({"package/../../evil.js": b"x", "package/dist/a.js": b"a"}, None),
        ({"/abs/evil.js": b"x", "package/dist/a.js": b"a"}, None),
        ({"package/dist/b.js": b"b"}, {"package/dist/a.js": "../../../etc/passwd"}),
    ],
    ids=["dotdot", "absolute", "symlink"],
)
def test_extract_files_rejects_unsafe_archives(
    tmp_path: Path, members: dict[str, bytes], links: dict[str, str] | None
) -> None:
    tgz = _tarball(tmp_path / "bad.tgz", members, links)
    out = tmp_path / "deep" / "out"
    with pytest.raises(fetch.UnsafeArchiveError):
        fetch.extract_files(tgz, ["dist/a.js"], out)
    assert not (tmp_path / "evil.js").exists()
    assert not (out / "dist/a.js").exists()


def test_extract_files_reports_missing_wanted_file(tmp_path: Path) -> None:
    tgz = _tarball(tmp_path / "p.tgz", {"package/dist/a.js": b"a"})
    with pytest.raises(fetch.FetchError, match=r"lacks dist/nope\.js"):
        fetch.extract_files(tgz, ["dist/a.js", "dist/nope.js"], tmp_path / "out")


# --- fetch: with a fake npm ---------------------------------------------------------

FAKE_NPM = """#!{python}
import json, pathlib, shutil, sys
args = sys.argv[1:]
with open({log!r}, "a") as log:
    log.write(" ".join(args) + "\\n")
if {fail!r}:
    sys.stderr.write("npm error code ENOTFOUND\\nnpm error network request failed\\n")
    sys.exit(1)
dest = pathlib.Path(args[args.index("--pack-destination") + 1])
shutil.copy({tarball!r}, dest / "fake-1.0.0.tgz")
print(json.dumps([{{"filename": "fake-1.0.0.tgz", "integrity": {integrity!r}}}]))
"""


@pytest.fixture
def fake_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Put a fake ``npm`` first on PATH and pin one small fake package."""
    tgz = _tarball(
        tmp_path / "fake.tgz",
        {"package/dist/fake.js": b"var fake = 1;", "package/dist/img/x.png": b"png"},
    )
    integrity = fetch.sri_sha512(tgz.read_bytes())
    pkg = manifest.Package("fake", "1.0.0", integrity, ("dist/fake.js", "dist/img/x.png"))
    monkeypatch.setattr(manifest, "PACKAGES", (pkg,))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "npm.log"

    def install(fail: bool = False, reported: str = integrity) -> Path:
        script = bindir / "npm"
        script.write_text(
            FAKE_NPM.format(
                python=sys.executable,
                log=str(log),
                fail=fail,
                tarball=str(tgz),
                integrity=reported,
            )
        )
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        return log

    monkeypatch.setenv("PATH", str(bindir))
    return install


def test_fetch_with_fake_npm_is_atomic_and_idempotent(tmp_path: Path, fake_registry) -> None:
    log = fake_registry()
    dest = tmp_path / "static" / "vendor"
    result = fetch.fetch(dest)
    assert not result.skipped
    assert result.files == 2 + len(manifest.generated_files())
    assert (dest / "fake-1.0.0/dist/fake.js").read_text() == "var fake = 1;"
    assert (dest / "fake-1.0.0/dist/img/x.png").read_bytes() == b"png"
    assert (dest / "folium-extras/leaflet.awesome.rotate.css").is_file()
    assert (dest / fetch.STAMP_NAME).read_text().strip() == manifest.manifest_version()
    assert "pack fake@1.0.0 --json --ignore-scripts" in log.read_text()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["vendor"]  # no temp left

    again = fetch.fetch(dest)
    assert again.skipped
    assert len(log.read_text().splitlines()) == 1

    (dest / "fake-1.0.0/dist/fake.js").unlink()
    assert not fetch.is_current(dest)
    assert not fetch.fetch(dest).skipped
    assert len(log.read_text().splitlines()) == 2


def test_fetch_rejects_integrity_mismatch(tmp_path: Path, fake_registry) -> None:
    fake_registry(reported="sha512-" + "A" * 86 + "==")
    dest = tmp_path / "vendor"
    with pytest.raises(fetch.FetchError, match="integrity mismatch"):
        fetch.fetch(dest)
    assert not dest.exists()
    assert list(tmp_path.glob(".vendor.tmp-*")) == []


def test_fetch_failure_keeps_previous_install(tmp_path: Path, fake_registry) -> None:
    dest = tmp_path / "vendor"
    (dest / "old").mkdir(parents=True)
    (dest / "old/keep.js").write_text("old")
    fake_registry(fail=True)
    with pytest.raises(fetch.FetchError) as err:
        fetch.fetch(dest, force=True)
    message = str(err.value)
    assert "registry unreachable" in message
    assert "CDN" in message
    assert "\n" not in message
    assert "ENOTFOUND: network request failed" in message
    assert (dest / "old/keep.js").read_text() == "old"


def test_missing_npm_gives_clear_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(fetch.FetchError, match=r"npm not found.*CDN"):
        fetch.fetch(tmp_path / "vendor")
    assert cli.main(["fetch", "--dest", str(tmp_path / "vendor")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "npm not found" in err
    assert "CDN" in err


def test_status_cli_lists_assets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", "--dest", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "leaflet " in out
    assert "missing" in out
    assert "dropped" in out
    _touch_all(tmp_path)
    assert cli.main(["status", "--dest", str(tmp_path)]) == 0
    assert "missing" not in capsys.readouterr().out
