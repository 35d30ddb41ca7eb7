"""Analysis behind the Claims, Timeline, Sources and Places pages.

Pure functions over the typed frames of ``src.dataset`` so the pages stay thin and every number
a page shows can be recomputed in a test: ``incidents`` (claims side by side, discrepancies),
``coverage`` (articles × incidents), ``timeline`` (date-precision spans, chronology),
``distances`` (stated distances against the gazetteer), ``places`` (the gazetteer table),
``charts`` (the Altair specs) and ``text`` (labels, markdown escaping). ``pagekit`` is the one
Streamlit-aware module: the pages' shared scaffolding, filter carry-over and caches.
"""
