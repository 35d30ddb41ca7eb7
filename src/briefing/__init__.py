"""Briefing-ready output: a self-explaining 16:9 frame of the current view, and its exports.

* :mod:`.frame` builds the frame: one standalone HTML document (title, date window, filters
  in words, legend, sources, verification mix, data version, generation time, and the map);
  the in-app briefing view, the HTML download and the PNG are all that same document.
* :mod:`.render` photographs it in headless Chromium through Playwright (PNG export).
* :mod:`.exports` writes the shown claims as CSV (formula-safe), GeoJSON and ACLED-column CSV.
* ``python -m src.briefing {png,html,csv,geojson,acled}`` does all of it from a shell, with the
  same filter options as the dashboard's URL parameters.
"""
