"""Analysis behind the Claims, Timeline, Sources and Places pages.

Pure functions over the typed frames of ``src.dataset`` so the pages stay thin and every number
a page shows can be recomputed in a test: ``incidents`` (claims side by side, discrepancies),
``coverage`` (articles × incidents), ``timeline`` (date-precision spans, chronology),
``distances`` (stated distances against the gazetteer), ``places`` (the gazetteer table),
``charts`` (the Altair specs), ``text`` (labels, markdown escaping) and ``view`` (the view in
words). Nothing here imports Streamlit: the pages' scaffolding and caches live in ``src.ui``.
"""
