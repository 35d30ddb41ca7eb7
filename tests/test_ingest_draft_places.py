"""Where a draft claim is placed when its sentence names a place the gazetteer cannot decide."""

from __future__ import annotations

from datetime import date

from src.dataset import load_dataset
from src.ingest.proposal import Article, propose

TEXT = (
    "MARTUNI, 14 September 2023 — Armenian officials in Nagorno-Karabakh said Azerbaijani "
    "shells hit Martuni on Wednesday. Two civilians were missing after the shelling, the "
    "local ombudsman said."
)


def test_an_ambiguous_town_wins_over_its_region_and_carries_to_the_next_sentence(data_dir):
    article = Article(TEXT, "Shells hit Martuni", date(2023, 9, 14), "", "martuni.txt")
    claims = propose(article, load_dataset(data_dir)).claims
    shelling = next(c for c in claims if c.sub_event_type.startswith("Shelling"))
    missing = next(c for c in claims if c.missing == 2)
    for claim in (shelling, missing):
        # not the region's centroid: the analyst picks which Martuni, once for both
        assert claim.place_id is None
        assert claim.place_mention == "Martuni"
