"""The Add article page under AppTest: paste → proposal → review → save → the Map and Claims
pages show the new claims; a change on disk in between is a conflict; a draft that does not
validate is listed as ``file:line: field: message`` with nothing written; hostile text is
shown as text. The review tests feed the page hand-built proposals (``tests/ingest_double``),
so they test the page on exactly what it is given; the flow tests run the real engine."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import src.ingest.proposal as engine
from src.analysis.text import md, md_unlinked
from tests import ingest_double as double

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example) $x^2$"


def fake_propose(monkeypatch: pytest.MonkeyPatch, proposal: engine.Proposal) -> None:
    """The page gets ``proposal`` whatever it is given (and the doubles' table)."""
    monkeypatch.setattr(engine, "read_article", lambda *_a, **_k: proposal.article)
    monkeypatch.setattr(engine, "propose", lambda _article, _data: proposal)
    monkeypatch.setattr(engine, "drafts_frame", double.drafts_frame)
    monkeypatch.setattr(engine, "claims_from_frame", double.claims_from_frame)


def open_page(app_factory, data_dir: Path, text: str = "An article.") -> AppTest:
    at = app_factory(data_dir, "pages/Add_article.py")
    assert not at.exception
    at.text_area(key="ing_text").set_value(text).run()
    at.button(key="ing_propose").click().run()
    assert not at.exception
    return at


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [e.value for e in at.error]
    parts += [w.label for w in at.selectbox] + [w.label for w in at.text_input]
    parts += [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


def test_hostile_text_is_shown_as_text(app_factory, data_dir, monkeypatch):
    p = double.proposal(headline=HOSTILE, outlet=HOSTILE)
    hostile_place = engine.PlaceMention(HOSTILE, 0, 5, "unknown", None, "", None, None, "", "", ())
    p.places.append(hostile_place)
    p.claims[0] = replace(
        p.claims[0],
        claimant=HOSTILE,
        quote=HOSTILE,
        place_mention=HOSTILE,
        place_id=None,
        lat=None,
        lon=None,
    )
    fake_propose(monkeypatch, p)
    at = open_page(app_factory, data_dir)
    words = all_text(at)
    assert "Fuel depot" not in words  # the hostile headline replaced it
    assert not re.search(r"(?<!\\)(<img|\*\*bold|\[link|\$x)", words), "unescaped markup"
    assert "http\\:\u2060//" in words  # no bare link either
    assert "http\\://" not in words
    assert md_unlinked(HOSTILE) in words  # shown, escaped
    search = next(t for t in at.text_input if t.label.startswith("Search a place for"))
    assert "http\\:\u2060//" in search.label  # no bare link in a label either
    # tables are plain text: the value is there as written
    preview = next(d.value for d in at.dataframe if "Quote" in d.value.columns)
    assert preview["Quote"].iloc[0] == HOSTILE


def test_an_ambiguous_place_is_never_picked_and_blocks_the_save(app_factory, data_dir, monkeypatch):
    p = double.proposal()
    shusha = engine.Candidate("shusha", "Shusha", 39.7581, 46.7484, "", "exact", "gazetteer")
    other = engine.Candidate(None, "Shusha", 40.1, 45.2, "Armenia", "near", "geonames")
    p.places.append(
        engine.PlaceMention(
            "Shushi", 20, 26, "ambiguous", None, "", None, None, "", "", (shusha, other)
        )
    )
    p.claims.append(
        double.draft(
            "d2",
            place_id=None,
            lat=None,
            lon=None,
            place_mention="Shushi",
            fatalities=None,
            injured=None,
        )
    )
    fake_propose(monkeypatch, p)
    at = open_page(app_factory, data_dir)
    pick = next(s for s in at.selectbox if "Shushi" in s.label)
    assert pick.value is None
    assert len(pick.options) == 2
    assert "d2" in pick.label
    save = at.button(key="ing_save")
    assert save.disabled
    assert any("Choose which place “Shushi” means" in w.value for w in at.warning)
    pick.set_value(shusha).run()
    assert not at.exception
    assert not at.button(key="ing_save").disabled
    preview = next(
        d.value for d in at.dataframe if "Place" in d.value.columns and "Draft" in d.value.columns
    )
    assert preview.set_index("Draft").loc["d2", "Place"] == "Shusha"
    assert not at.warning


def edit(at: AppTest, edited: dict[int, dict[str, object]], added: list[dict[str, object]]) -> None:
    """Edit the drafts table as a user would (the data editor's state is its edits)."""
    key = f"ing_{at.session_state['ing_held'].key}_drafts"
    at.session_state[key] = {"edited_rows": edited, "added_rows": added, "deleted_rows": []}
    at.run()
    assert not at.exception


def test_a_rejected_draft_is_not_saved_a_typed_place_is_found_a_regional_one_is_new(
    app_factory, data_dir, monkeypatch
):
    p = double.proposal()
    p.places.append(
        engine.PlaceMention(
            "Goris",
            30,
            35,
            "found",
            None,
            "Goris",
            double.GORIS.lat,
            double.GORIS.lon,
            "near",
            "geonames",
            (double.GORIS,),
        )
    )
    p.claims.append(
        double.draft(
            "d2",
            place_id=None,
            lat=double.GORIS.lat,
            lon=double.GORIS.lon,
            place_mention="Goris",
            event_type="Access and aid",
            sub_event_type="Humanitarian access",
        )
    )
    p.claims.append(double.draft("d3"))
    fake_propose(monkeypatch, p)
    at = open_page(app_factory, data_dir)
    assert at.button(key="ing_save").label == "Save the article and 3 claim(s) and 1 new place(s)"
    found = next(d.value for d in at.dataframe if "Mention" in d.value.columns)
    assert list(found["Place id"]) == ["stepanakert", "new (regional)"]

    edit(
        at,
        {2: {"decision": "reject"}},
        [{"decision": "accept", "place_mention": "Khankendi", "claimant": "A hand-added claimant"}],
    )
    assert at.button(key="ing_save").label == "Save the article and 3 claim(s) and 1 new place(s)"
    preview = next(d.value for d in at.dataframe if "Draft" in d.value.columns)
    assert "d3" not in set(preview["Draft"])
    places = dict(
        zip(preview["Claimant"].str.split(" (", regex=False).str[0], preview["Place"], strict=True)
    )
    assert places["A hand-added claimant"] == "Stepanakert / Khankendi"  # typed: found exactly
    assert preview.set_index("Draft").loc["d2", "Place"].startswith("Goris (new:")


# --- the real engine: paste → propose → save → every page --------------------------------------

ARTICLE = (
    "Fuel depot blast near Stepanakert\n\n"
    "At least 68 people were killed and more than 200 wounded in an explosion at a fuel depot "
    "near Stepanakert on Monday evening, the Nagorno-Karabakh health ministry said on Tuesday.\n"
)
PUBLISHED = "2023-09-26"


def propose_real(at: AppTest, text: str = ARTICLE) -> AppTest:
    at.text_area(key="ing_text").set_value(text)
    at.date_input(key="ing_published").set_value(date.fromisoformat(PUBLISHED))
    at.text_input(key="ing_outlet").set_value("Test Wire")
    at.run()
    at.button(key="ing_propose").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def view_count(at: AppTest) -> tuple[int, int]:
    text = next(m.value for m in at.markdown if re.match(r"\*\*\d+ of \d+ claims", m.value))
    match = re.match(r"\*\*(\d+) of (\d+) claims", text)
    assert match
    return int(match.group(1)), int(match.group(2))


def files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.glob("*.csv"))}


def test_paste_propose_save_and_the_claims_are_on_every_page(app_factory, data_dir):
    at = app_factory(data_dir, "pages/Add_article.py")
    _, before = view_count(at)
    propose_real(at)
    preview = next(d.value for d in at.dataframe if "Draft" in d.value.columns)
    assert len(preview) >= 1
    assert preview["Quote"].str.contains("68").any()
    claimant = preview["Claimant"].iloc[0].rsplit(" (", 1)[0]
    at.button(key="ing_save").click().run()
    assert not at.exception
    saved = next(s.value for s in at.success if s.value.startswith("Saved article"))
    new = int(re.search(r": (\d+) claim", saved).group(1))  # type: ignore[union-attr]
    assert new == len(preview)
    assert view_count(at) == (before + new, before + new)  # the data is reloaded at once
    assert at.session_state["f_sources"] == []  # nothing filtered until asked

    at.button(key="ing_show_map").click().run()
    assert not at.exception
    at.run()  # the page switch
    assert not at.exception
    assert view_count(at) == (new, before + new)
    (sid,) = at.session_state["f_sources"]
    assert at.query_params["source"] in (sid, [sid])

    at.switch_page("pages/Claims.py").run()
    assert not at.exception
    assert view_count(at) == (new, before + new)
    words = " ".join(m.value for m in at.markdown)
    cells = " ".join(
        str(v) for t in at.table for v in [*t.value.index, *t.value.to_numpy().ravel()]
    )
    assert md(claimant) in words + cells


def test_a_change_on_disk_before_the_save_is_a_conflict_and_nothing_is_written(
    app_factory, data_dir
):
    at = app_factory(data_dir, "pages/Add_article.py")
    propose_real(at)
    events = data_dir / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"E001,I001", b"E001,I001", 1) + b"\n")
    on_disk = files(data_dir)
    at.button(key="ing_save").click().run()
    assert not at.exception
    assert any("the data changed since this proposal was made" in e.value for e in at.error)
    assert files(data_dir) == on_disk


def test_a_draft_that_does_not_validate_is_listed_and_nothing_is_written(app_factory, data_dir):
    at = app_factory(data_dir, "pages/Add_article.py")
    propose_real(at)
    on_disk = files(data_dir)
    edit(at, {0: {"claimant": ""}}, [])
    at.button(key="ing_save").click().run()
    assert not at.exception
    assert any(e.value.startswith("Nothing was written") for e in at.error)
    problems = "\n".join(c.value for c in at.code)
    assert re.search(r"events\.csv:\d+: claimant: ", problems), problems
    assert files(data_dir) == on_disk


MARTUNI = (
    "Shelling reported near Martuni\n\n"
    "Residents said two civilians were killed when shells hit Martuni on Wednesday, the local "
    "administration said.\n"
)


def test_an_ambiguous_regional_place_is_chosen_and_saved_as_a_new_place(app_factory, data_dir):
    at = app_factory(data_dir, "pages/Add_article.py")
    propose_real(at, MARTUNI)
    pick = next(s for s in at.selectbox if s.label.startswith("Which place is “Martuni”"))
    assert pick.value is None  # two GeoNames places share the name: nothing picked
    assert "used by no accepted draft" not in pick.label  # the draft it places is named
    azerbaijani = next(c for c in pick.options if "Azerbaijan" in c)
    index = list(pick.options).index(azerbaijani)
    at.selectbox(key=pick.key).select_index(index).run()
    assert not at.exception
    save = at.button(key="ing_save")
    assert save.label.endswith("and 1 new place(s)")
    places_before = (data_dir / "places.csv").read_text(encoding="utf-8").count("\n")
    save.click().run()
    assert not at.exception
    assert any(s.value.startswith("Saved article") for s in at.success)
    assert (data_dir / "places.csv").read_text(encoding="utf-8").count("\n") == places_before + 1


def test_a_claim_dated_after_the_old_data_is_in_view_at_once(app_factory, data_dir):
    """The date slider spanned the old data: it must widen, not hide the new last days."""
    at = app_factory(data_dir, "pages/Add_article.py")
    _, before = view_count(at)
    late = "Blast in Goris\n\nTwo people were killed in Goris on 3 October, police said.\n"
    at.text_area(key="ing_text").set_value(late)
    at.date_input(key="ing_published").set_value(date(2023, 10, 5))
    at.run()
    at.button(key="ing_propose").click().run()
    preview = next(d.value for d in at.dataframe if "Draft" in d.value.columns)
    assert preview["Date"].str.startswith("2023-10-03").any()
    at.button(key="ing_save").click().run()
    assert not at.exception
    new = len(preview)
    assert view_count(at) == (before + new, before + new)


HTML = b"""<!doctype html><html><head><title>Wire | Ceasefire agreed</title>
<meta property="og:title" content="Ceasefire agreed in Karabakh">
<meta property="article:published_time" content="2023-09-20T13:00:00Z"></head>
<body><nav>Home | World</nav><article><h1>Ceasefire agreed in Karabakh</h1>
<p>Ethnic Armenian forces in Nagorno-Karabakh agreed on Wednesday to lay down their arms
under a ceasefire, the region's authorities said, a day after Azerbaijan began its
offensive.</p><p>At least 32 people were killed, the separatist authorities said.</p>
</article><footer>Cookie policy</footer></body></html>"""


def test_an_uploaded_html_page_gives_its_headline_and_date(app_factory, data_dir):
    at = app_factory(data_dir, "pages/Add_article.py")
    at.radio(key="ing_from").set_value("upload").run()
    at.file_uploader(key="ing_upload_0").set_value(("ceasefire.html", HTML, "text/html")).run()
    assert not at.exception
    at.button(key="ing_propose").click().run()  # no date given: the page's own
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    facts = next(m.value for m in at.markdown if "published" in m.value)
    assert "Ceasefire agreed in Karabakh" in facts
    assert "published 2023-09-20" in facts
    assert "Cookie policy" not in next(t.value for t in at.text)


THREE = (
    "Explosion at fuel depot near Stepanakert\n\n"
    "At least 68 people were killed and more than 200 wounded in an explosion at a fuel depot "
    "near Stepanakert on Monday evening, the Nagorno-Karabakh health ministry said on Tuesday. "
    "Armenian officials said on Tuesday that more than 28,000 people had crossed into Armenia "
    "through the Lachin corridor since Sunday, arriving in Goris.\n"
)


def test_merge_and_reject_decisions_shape_what_is_saved(app_factory, data_dir):
    at = app_factory(data_dir, "pages/Add_article.py")
    propose_real(at, THREE)
    preview = next(d.value for d in at.dataframe if "Draft" in d.value.columns)
    ids = list(preview["Draft"])
    assert len(ids) >= 2
    edit(at, {1: {"decision": f"merge:{ids[0]}"}}, [])
    merged = next(d.value for d in at.dataframe if "Draft" in d.value.columns)
    assert list(merged["Draft"]) == [ids[0], *ids[2:]]
    edit(at, {i: {"decision": "reject"} for i in range(len(ids))}, [])
    assert at.button(key="ing_save").disabled  # nothing accepted, nothing to save
    assert "0 claim(s)" in at.button(key="ing_save").label
