"""Karabakh Conflict Map: claims about the Sept 2023 offensive and its lead-up on a Leaflet map.

The single entry point (``streamlit run dashboard.py``, or ``scripts/run.sh``): it registers
the pages, loads the data once, draws the shared sidebar and hands a PageContext to the page
being shown. Logic lives in ``src/``; the pages in ``pages/`` lay it out.
"""

from __future__ import annotations

from src.ui.shell import PageSpec, navigation, prepare

#: The pages, in menu order; the first is the default (``/``). A new page is one more line.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/map.py", "Map", ":material/map:", ""),
    PageSpec("pages/claims.py", "Claims", ":material/balance:", "Claims"),
    PageSpec("pages/timeline.py", "Timeline", ":material/timeline:", "Timeline"),
    PageSpec("pages/sources.py", "Sources", ":material/newspaper:", "Sources"),
    PageSpec("pages/places.py", "Places", ":material/place:", "Places"),
)

page = navigation(PAGES)
prepare()
page.run()
