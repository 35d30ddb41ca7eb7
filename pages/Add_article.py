"""Add article: paste or upload a news article, review the places and draft claims the app
proposes, and save them in one step; the new claims are on the map at once.

Thin UI: the flow in ``src/ui/ingest.py``, the work in ``src/ingest``.
"""

from __future__ import annotations

from src.ui.ingest import ingest_flow
from src.ui.shell import page_context, page_header

ctx = page_context()
page_header(
    ctx,
    "Add article",
    "The app proposes places, dates, figures and who claims them; nothing is saved until you "
    "have reviewed the drafts, and every saved claim cites the article and its claimant.",
)
ingest_flow(ctx.data)
