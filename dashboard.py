"""Karabakh Conflict Map: claims about the Sept 2023 offensive and its lead-up on a Leaflet map.

The single entry point (``streamlit run dashboard.py``, or ``scripts/run.sh``): it registers
the pages, loads the data once, draws the shared sidebar and hands a PageContext to the page
being shown. Logic lives in ``src/``; the pages in ``pages/`` lay it out.

Each page file is named as its URL (``pages/Sources.py`` is ``/Sources``): Streamlit's very
first run after a server start still follows its older ``pages/`` folder convention, which
finds pages by file name, so the two must agree (see ``src.ui.shell.page_context``).
"""

from __future__ import annotations

from src.ui.shell import PageSpec, navigation, prepare

#: The pages, in menu order; the first is the default (``/``). A new page is one more line.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/Map.py", "Map", ":material/map:"),
    PageSpec("pages/Claims.py", "Claims", ":material/balance:"),
    PageSpec("pages/Timeline.py", "Timeline", ":material/timeline:"),
    PageSpec("pages/Sources.py", "Sources", ":material/newspaper:"),
    PageSpec("pages/Places.py", "Places", ":material/place:"),
    PageSpec("pages/Data.py", "Data", ":material/database:"),
    PageSpec("pages/Add_article.py", "Add article", ":material/post_add:"),
)

if __name__ == "__main__":  # Streamlit runs the entry point as __main__
    page = navigation(PAGES)
    prepare(map_page=page.url_path == "")  # the first page, the map, is served at /
    page.run()
