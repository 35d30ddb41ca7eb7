"""Local copies of the map's front-end assets (Leaflet, plugins, fonts).

folium points every map at CDNs; this package pins those assets
(:mod:`.manifest`), fetches them once at setup with the npm client (:mod:`.fetch`)
into ``static/vendor/`` (served by Streamlit at ``/app/static/vendor``) and rewrites
a map's links to those copies (:mod:`.localize`), falling back to the CDN per asset
when a file is missing.  CLI: ``python -m src.assets {fetch,status}``.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATIC_DIR = REPO_ROOT / "static" / "vendor"
"""Where fetched files live; Streamlit serves ``<main script dir>/static``."""
DEFAULT_BASE_URL = "/app/static/vendor"
"""URL prefix of ``DEFAULT_STATIC_DIR`` with ``server.enableStaticServing``."""

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_STATIC_DIR", "REPO_ROOT"]
