"""The Add article page's flow: a pasted or uploaded article → a proposal (places and draft
claims) → the analyst's review (places chosen, drafts edited) → one atomic save → the new
claims on every page at once.

The proposal is kept in the session keyed by what it was made from (the text's digest, the
given date, outlet and headline) together with the data version it was made against: change
the input and it must be proposed again, and a save after someone else changed the files is a
conflict, never an overwrite. Every widget of a review is namespaced by the proposal's key, so
the edits of one article never land on another's rows. The work is done by ``src.ingest``;
free text reaches markdown only through ``md``/``md_unlinked`` (tables show plain text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from src.analysis.text import md_unlinked
from src.dataset import Dataset
from src.geo import regional
from src.geo.gazetteer import AmbiguousPlace, Gazetteer, PlaceNotFound
from src.ingest import proposal as engine
from src.ingest import save as saving
from src.ingest.proposal import Article, Candidate, DraftClaim, PlaceMention, Proposal
from src.labels import figure_label
from src.schema import (
    CLAIMANT_SIDES,
    DATE_MAX,
    DATE_MIN,
    DATE_PRECISIONS,
    EVENT_TYPES,
    SUB_EVENT_TYPES,
    VERIFICATION,
)
from src.store import ConflictError, StoreError
from src.ui import notices
from src.ui.data import data_dir, gazetteer, reload_data
from src.ui.sidebar import show_only_source

#: Session keys: the proposal under review, the last save's outcome, a pending map visit,
#: and how many articles this session has saved (it names the upload widget).
_HELD = "ing_held"
_DONE = "ing_done"
_GO_MAP = "ing_go_map"
_ROUND = "ing_round"
UPLOAD_TYPES = ["txt", "md", "html", "htm"]
MAX_CANDIDATES = 8
CONFLICT = (
    "Nothing was written: the data changed since this proposal was made (another save or an "
    "import). Propose again to review the article against the current data."
)


@dataclass(frozen=True)
class Held:
    """A proposal, what it was made from (``key``) and the data version it was made against."""

    key: str
    proposal: Proposal
    version: str


@dataclass(frozen=True)
class Pending:
    """A place name the analyst must (or may) place by hand, and the drafts that use it."""

    mention: str
    status: str  # "ambiguous" | "unknown"
    candidates: tuple[Candidate, ...]
    draft_ids: tuple[str, ...]
    #: unplaced drafts that name no place but whose quote has this name: offered the choice
    quoted_ids: tuple[str, ...] = ()

    def uses(self) -> str:
        """Which drafts a choice places, in words."""
        parts = []
        if self.draft_ids:
            parts.append(f"used by {', '.join(self.draft_ids)}")
        if self.quoted_ids:
            parts.append(f"named in the quote of {', '.join(self.quoted_ids)}")
        return "; ".join(parts) or "used by no accepted draft"


# --- pure helpers (no widgets) -----------------------------------------------------------------


def digest(*parts: object) -> str:
    """A short, stable fingerprint of what a proposal (or a widget) depends on."""
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def mention_key(mention: str) -> str:
    """Mentions match whatever their case and spacing ("Stepanakert" = "stepanakert ")."""
    return " ".join(mention.split()).casefold()


def candidate_label(c: Candidate) -> str:
    """One line per candidate in a choice: name, country, coordinates, precision, source."""
    where = f" ({c.country})" if c.country else ""
    ident = f" · id {c.place_id}" if c.place_id else ""
    return f"{c.name}{where} · {c.lat:.4f}, {c.lon:.4f} · {c.precision} · {c.provenance}{ident}"


def gazetteer_candidate(gaz: Gazetteer, place_id: str) -> Candidate:
    place = gaz.place(place_id)
    lat, lon = gaz.representative_point(place_id)
    return Candidate(place_id, place.name, lat, lon, "", place.precision, "gazetteer")


def _regional_candidates(query: str) -> list[Candidate]:
    """The regional (GeoNames) layer's places of that name, biggest first."""
    return [
        Candidate(
            None,
            p.name,
            p.lat,
            p.lon,
            p.country,
            regional.PRECISION,
            regional.PROVENANCE,
            p.geonameid,
        )
        for p in regional.regional_gazetteer().candidates(query)[:MAX_CANDIDATES]
    ]


#: Two answers this close (degrees, about 5 km) are one place named by two gazetteers.
SAME_SPOT_DEG = 0.05


def _same_spot(a: Candidate, b: Candidate) -> bool:
    return abs(a.lat - b.lat) < SAME_SPOT_DEG and abs(a.lon - b.lon) < SAME_SPOT_DEG


def search_places(query: str, gaz: Gazetteer) -> list[Candidate]:
    """Places a typed name may mean, best first: the curated gazetteer (an exact name or
    alias, else its close spellings), then the regional layer; each place once."""
    text = query.strip()
    if len(text) < 2:
        return []
    ids: list[str] = []
    try:
        ids.append(str(gaz.lookup(text).place_id))
    except AmbiguousPlace as exc:
        ids.extend(exc.candidates)
    except PlaceNotFound as exc:
        for label in exc.suggestions:
            try:
                ids.append(str(gaz.lookup(label).place_id))
            except PlaceNotFound:
                continue
    found = [gazetteer_candidate(gaz, pid) for pid in dict.fromkeys(ids) if pid in gaz]
    curated = list(found)
    for c in _regional_candidates(text):
        if not any(_same_spot(c, k) for k in curated):  # the curated place wins
            found.append(c)
    return found[:MAX_CANDIDATES]


def places_table(places: Iterable[PlaceMention]) -> pd.DataFrame:
    """The places found, one row per name as written and place it resolved to (how often the
    text names it), with precision and provenance."""
    rows: dict[tuple[str, str | None, float | None, float | None], dict[str, Any]] = {}
    for p in places:
        if p.status != "found":
            continue
        key = (mention_key(p.mention), p.place_id, p.lat, p.lon)
        if key in rows:
            rows[key]["Times"] += 1
            continue
        rows[key] = {
            "Mention": p.mention,
            "Times": 1,
            "Place": p.name,
            "Place id": p.place_id or "new (regional)",
            "Precision": p.precision,
            "Provenance": p.provenance,
            "Lat": p.lat,
            "Lon": p.lon,
        }
    columns = ["Mention", "Times", "Place", "Place id", "Precision", "Provenance", "Lat", "Lon"]
    return pd.DataFrame(list(rows.values()), columns=columns)


def _has_place(claim: DraftClaim) -> bool:
    return bool(claim.place_id) or (claim.lat is not None and claim.lon is not None)


def pending_places(proposal: Proposal, claims: list[DraftClaim], gaz: Gazetteer) -> list[Pending]:
    """Every name still to place: the text's ambiguous and unknown mentions, and the place
    names typed into accepted drafts that no place answers exactly (a hand-added claim)."""
    by_mention: dict[str, list[str]] = {}
    for claim in claims:
        if claim.place_mention.strip() and not _has_place(claim):
            by_mention.setdefault(mention_key(claim.place_mention), []).append(claim.draft_id)
    pending: dict[str, Pending] = {}
    for p in proposal.places:
        key = mention_key(p.mention)
        if p.status in ("ambiguous", "unknown") and key not in pending:
            pending[key] = Pending(
                p.mention, p.status, p.candidates, tuple(by_mention.get(key, ()))
            )
    for claim in claims:
        key = mention_key(claim.place_mention)
        if key in by_mention and key not in pending:
            options = tuple(search_places(claim.place_mention, gaz))
            status = "unknown" if not options else "ambiguous"
            pending[key] = Pending(claim.place_mention, status, options, tuple(by_mention[key]))
    unnamed = [c for c in claims if not c.place_mention.strip() and not _has_place(c)]
    return [
        replace(
            item,
            quoted_ids=tuple(
                c.draft_id for c in unnamed if mention_key(item.mention) in mention_key(c.quote)
            ),
        )
        for item in pending.values()
    ]


def typed_places(
    claims: list[DraftClaim], proposal: Proposal, gaz: Gazetteer
) -> dict[str, Candidate]:
    """The places of names typed into drafts (a hand-added claim) that name exactly one
    curated place: the analyst wrote that name, so it is not a guess."""
    in_text = {mention_key(p.mention) for p in proposal.places if p.status != "found"}
    found: dict[str, Candidate] = {}
    for claim in claims:
        key = mention_key(claim.place_mention)
        if not key or _has_place(claim) or key in in_text or key in found:
            continue
        try:
            result = gaz.lookup(claim.place_mention)
        except PlaceNotFound:
            continue
        if result.place_id:
            found[key] = gazetteer_candidate(gaz, result.place_id)
    return found


def renamed_places(claims: list[DraftClaim], proposal: Proposal) -> list[DraftClaim]:
    """Drafts whose place name the analyst changed lose the old place's coordinates (unless
    the place id or coordinates were changed too), so the new name is looked up instead."""
    before = {c.draft_id: c for c in proposal.claims}
    out = []
    for claim in claims:
        old = before.get(claim.draft_id)
        if (
            old is not None
            and mention_key(claim.place_mention) != mention_key(old.place_mention)
            and (claim.place_id, claim.lat, claim.lon) == (old.place_id, old.lat, old.lon)
        ):
            claim = replace(claim, place_id=None, lat=None, lon=None)
        out.append(claim)
    return out


def apply_places(claims: list[DraftClaim], chosen: dict[str, Candidate]) -> list[DraftClaim]:
    """The drafts with the places the analyst chose for their unplaced mentions."""
    out = []
    for claim in claims:
        pick = chosen.get(mention_key(claim.place_mention))
        if pick is not None and not _has_place(claim):
            claim = replace(claim, place_id=pick.place_id, lat=pick.lat, lon=pick.lon)
        out.append(claim)
    return out


def apply_choices(
    claims: list[DraftClaim], pending: list[Pending], chosen: dict[str, Candidate]
) -> list[DraftClaim]:
    """The drafts with the places the analyst chose: for the drafts naming that place, and
    for the drafts naming none whose quote has it (the first choice for a draft wins)."""
    out = list(claims)
    for item in pending:
        pick = chosen.get(mention_key(item.mention))
        if pick is None:
            continue
        ids = {*item.draft_ids, *item.quoted_ids}
        for i, claim in enumerate(out):
            if claim.draft_id in ids and not _has_place(claim):
                out[i] = replace(
                    claim,
                    place_id=pick.place_id,
                    lat=pick.lat,
                    lon=pick.lon,
                    place_mention=claim.place_mention or item.mention,
                )
    return out


def new_places(
    claims: list[DraftClaim], proposal: Proposal, chosen: dict[str, Candidate]
) -> list[Candidate]:
    """The regional places the accepted claims use: they become places.csv rows on save."""
    known: dict[tuple[float, float], Candidate] = {}
    for p in proposal.places:
        for c in p.candidates:
            if c.place_id is None:
                known.setdefault((c.lat, c.lon), c)
        if p.status == "found" and p.place_id is None and p.lat is not None and p.lon is not None:
            known.setdefault(
                (p.lat, p.lon), Candidate(None, p.name, p.lat, p.lon, "", p.precision, p.provenance)
            )
    for c in chosen.values():
        if c.place_id is None:
            known[(c.lat, c.lon)] = c
    wanted: dict[tuple[float, float], Candidate] = {}
    for claim in claims:
        if claim.place_id or claim.lat is None or claim.lon is None:
            continue
        where = (claim.lat, claim.lon)
        if where in known:
            wanted.setdefault(where, known[where])
    return list(wanted.values())


def blocking_problems(
    claims: list[DraftClaim], pending: list[Pending], chosen: dict[str, Candidate]
) -> list[str]:
    """What must be settled before a save: an ambiguous place nobody chose (never guessed)."""
    problems = []
    for item in pending:
        key = mention_key(item.mention)
        used = [
            c.draft_id for c in claims if mention_key(c.place_mention) == key and not _has_place(c)
        ]
        if item.status == "ambiguous" and used and key not in chosen:
            problems.append(
                f"Choose which place “{item.mention}” means (used by {', '.join(used)}), or "
                "clear the draft's place."
            )
    return problems


def figures_line(claim: DraftClaim) -> str:
    """The figures as the draft states them; blank reads "not stated", never 0."""
    parts = [
        f"killed: {figure_label(claim.fatalities)}",
        f"injured: {figure_label(claim.injured)}",
    ]
    parts += [
        f"{label}: {figure_label(value)}"
        for label, value in (("displaced", claim.displaced), ("missing", claim.missing))
        if value is not None
    ]
    parts += [f"{k}: {v}" for k, v in claim.other_figures.items()]
    return "; ".join(parts)


def save_preview(claims: list[DraftClaim], gaz: Gazetteer) -> pd.DataFrame:
    """What a save will write, one row per claim, as plain text (``st.dataframe``)."""
    rows = []
    for c in claims:
        if c.place_id and c.place_id in gaz:
            place = gaz.place(c.place_id).name
        elif c.lat is not None and c.lon is not None:
            place = f"{c.place_mention or 'new place'} (new: {c.lat:.4f}, {c.lon:.4f})"
        elif c.place_mention.strip():
            place = f"“{c.place_mention}”: not placed (choose above, or saved with no place)"
        else:
            place = "no place (listed under the map)"
        dates = (
            c.date_start if c.date_end in ("", c.date_start) else f"{c.date_start} – {c.date_end}"
        )
        rows.append(
            {
                "Draft": c.draft_id,
                "Date": f"{dates} ({c.date_precision})",
                "Place": place,
                "Claimant": f"{c.claimant} ({c.claimant_side})",
                "Type": f"{c.event_type} / {c.sub_event_type}",
                "Figures": figures_line(c),
                "Verification": c.verification,
                "Incident": c.incident_id or "new incident",
                "Quote": c.quote,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Draft",
            "Date",
            "Place",
            "Figures",
            "Claimant",
            "Type",
            "Verification",
            "Incident",
            "Quote",
        ],
    )


def incident_claims(data: Dataset, claims: list[DraftClaim]) -> pd.DataFrame:
    """The existing claims of the incidents the drafts join or may join, so a new figure is
    read beside the earlier accounts (each as claimed, never merged)."""
    wanted = {c.incident_id for c in claims if c.incident_id}
    wanted |= {i for c in claims for i in c.incident_candidates}
    events = data.events[data.events["incident_id"].isin(wanted)]
    return pd.DataFrame(
        {
            "Incident": events["incident_id"].astype(str),
            "Claim": events["event_id"].astype(str),
            "Date": events["date_start"].astype(str),
            "Claimant": events["claimant"].astype(str),
            "Side": events["claimant_side"].astype(str),
            "Killed": events["fatalities"].astype("string").fillna("not stated"),
            "Injured": events["injured"].astype("string").fillna("not stated"),
            "Verification": events["verification"].astype(str),
        }
    ).sort_values(["Incident", "Date", "Claim"])


#: The drafts table's headers in the analyst's words (the frame keeps the field names), in
#: the order shown.
COLUMN_LABELS = {
    "draft_id": "Draft",
    engine.DECISION: "Decision",
    "date_start": "From",
    "date_end": "To",
    "date_precision": "Date precision",
    "place_mention": "Place as written",
    "claimant": "Claimant (who says so)",
    "claimant_side": "Claimant side",
    "fatalities": "Killed",
    "injured": "Injured",
    "displaced": "Displaced",
    "missing": "Missing",
    "other_figures": "Other figures",
    "event_type": "Type",
    "sub_event_type": "Sub-type",
    "verification": "Verification",
    "incident_id": "Incident",
    "incident_candidates": "Possible incidents",
    "quote": "Quote (evidence)",
    "actor1": "Actor 1",
    "actor2": "Actor 2",
    "time_of_day": "Time of day",
    "place_id": "Place id",
    "lat": "Lat",
    "lon": "Lon",
}


def column_order(frame: pd.DataFrame) -> list[str]:
    """What an analyst checks first (decision, date, place, who says so, figures) leftmost."""
    first = [c for c in COLUMN_LABELS if c in frame.columns]
    return first + [str(c) for c in frame.columns if c not in COLUMN_LABELS]


def column_config(frame: pd.DataFrame, proposal: Proposal) -> dict[str, Any]:
    """Closed lists as choices (never free text), ids read-only, quotes wide."""
    ids = [c.draft_id for c in proposal.claims]
    choices: dict[str, list[str]] = {
        engine.DECISION: [*engine.DECISIONS, *(f"merge:{i}" for i in ids)],
        "event_type": list(EVENT_TYPES),
        "sub_event_type": list(SUB_EVENT_TYPES),
        "claimant_side": list(CLAIMANT_SIDES),
        "date_precision": list(DATE_PRECISIONS),
        "verification": list(VERIFICATION),
    }
    config: dict[str, Any] = {}
    for column in frame.columns:
        name = str(column)
        label = COLUMN_LABELS.get(name, name.replace("_", " ").capitalize())
        if name in choices:
            config[name] = st.column_config.SelectboxColumn(
                label,
                options=choices[name],
                required=name == engine.DECISION,
                pinned=name == engine.DECISION,
            )
        elif name == "draft_id":
            config[name] = st.column_config.TextColumn(label, disabled=True, pinned=True)
        elif name == "quote":
            config[name] = st.column_config.TextColumn(label, width="large")
        else:
            config[name] = label
    return config


# --- the page's steps ---------------------------------------------------------------------------


def article_input() -> tuple[bytes, str] | None:
    """The article's bytes and file name (pasted text gets a name of its own), or None."""
    how = st.radio(
        "The article",
        ["paste", "upload"],
        format_func={"paste": "Paste its text", "upload": "Upload a file"}.__getitem__,
        horizontal=True,
        key="ing_from",
    )
    if how == "upload":
        upload = st.file_uploader(
            "A .txt or .md file, or a saved .html page (its body, headline and date are read)",
            type=UPLOAD_TYPES,
            key=f"ing_upload_{st.session_state.get(_ROUND, 0)}",
        )
        return (upload.getvalue(), upload.name) if upload is not None else None
    text = st.text_area(
        "The article's text",
        key="ing_text",
        height=220,
        placeholder="Paste the article: headline, then the text…",
    )
    if not text.strip():
        return None
    raw = text.encode("utf-8", "surrogatepass")
    return raw, f"pasted-{digest(text)[:10]}.txt"


def article_fields() -> tuple[date | None, str, str]:
    a, b, c = st.columns([1, 1, 2])
    published = a.date_input(
        "Published",
        value=None,
        min_value=DATE_MIN,
        max_value=DATE_MAX,
        format="YYYY-MM-DD",
        key="ing_published",
        help="Needed when the text does not say; relative dates (“on Tuesday”) count from it.",
    )
    outlet = b.text_input("Outlet", key="ing_outlet", placeholder="blank: from the text")
    headline = c.text_input("Headline", key="ing_headline", placeholder="blank: from the text")
    return (published if isinstance(published, date) else None), outlet.strip(), headline.strip()


def _propose(
    raw: bytes, name: str, published: date | None, outlet: str, headline: str, data: Dataset
) -> Proposal | None:
    try:
        with st.spinner("Reading the article and finding its places, dates and figures…"):
            article = engine.read_article(raw, name, published, outlet or None, headline or None)
            return engine.propose(article, data)
    except (ValueError, LookupError) as exc:
        st.error(md_unlinked(str(exc)), icon=notices.WARNING)
        return None


def show_article(article: Article) -> None:
    outlet = article.outlet or "outlet not stated"
    st.markdown(
        f"**{md_unlinked(article.headline)}** · {md_unlinked(outlet)} · "
        f"published {article.published.isoformat()} · {len(article.text):,} characters "
        f"· file {md_unlinked(article.source_file)}"
    )
    with st.expander("The article's text"):
        st.text(article.text)


def show_found(proposal: Proposal) -> None:
    table = places_table(proposal.places)
    unknown = len({mention_key(p.mention) for p in proposal.places if p.status == "unknown"})
    ambiguous = len({mention_key(p.mention) for p in proposal.places if p.status == "ambiguous"})
    st.markdown(f"**Places:** {len(table)} found, {ambiguous} ambiguous, {unknown} not placed.")
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch")


def choose_places(pending: list[Pending], gaz: Gazetteer, ns: str) -> dict[str, Candidate]:
    """A choice for every pending name: an ambiguous one's candidates (nothing preselected),
    an unknown one's place search (the gazetteer and the regional layer)."""
    chosen: dict[str, Candidate] = {}
    if not pending:
        return chosen
    st.markdown("**Places to choose**: nothing is picked for you.")
    for item in pending:
        key = mention_key(item.mention)
        wkey = f"ing_{ns}_{digest(key)}"
        used = item.uses()
        options = list(item.candidates)
        if item.status == "unknown":
            query = st.text_input(
                f"Search a place for “{md_unlinked(item.mention)}” ({md_unlinked(used)})",
                value=item.mention,
                key=f"{wkey}_q",
            )
            options = search_places(query, gaz)
            if not options:
                st.caption(f"No place matches {md_unlinked(query)}: drafts naming it get no place.")
                continue
        pick = st.selectbox(
            f"Which place is “{md_unlinked(item.mention)}”? ({md_unlinked(used)})",
            options,
            index=None,
            format_func=candidate_label,
            placeholder="Choose a place…",
            key=f"{wkey}_pick_{digest(*[candidate_label(o) for o in options])}",
        )
        if pick is not None:
            chosen[key] = pick
    return chosen


def _editor(proposal: Proposal, ns: str) -> pd.DataFrame:
    frame = engine.drafts_frame(proposal)
    st.markdown(
        "**Draft claims**: set each row's *decision* (accept, reject, or merge into another "
        "draft), correct any cell, or add a claim in the last row."
    )
    edited = st.data_editor(
        frame,
        key=f"ing_{ns}_drafts",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=column_config(frame, proposal),
        column_order=column_order(frame),
    )
    return pd.DataFrame(edited)


def _save(held: Held, claims: list[DraftClaim], places: list[Candidate]) -> None:
    try:
        result = saving.save_article(
            Path(data_dir()), held.proposal.article, claims, places, held.version
        )
    except ConflictError:
        st.session_state.pop(_HELD, None)
        reload_data()
        st.error(CONFLICT, icon=notices.WARNING)
        return
    except saving.IngestError as exc:
        st.error("Nothing was written. Fix these and save again:", icon=notices.WARNING)
        st.code("\n".join(exc.problems), language=None, wrap_lines=True)
        return
    except StoreError as exc:
        st.error(f"Nothing was written: {md_unlinked(str(exc))}", icon=notices.WARNING)
        return
    st.session_state.pop(_HELD, None)
    st.session_state[_DONE] = result
    reload_data()
    st.rerun()


def _go_to_map(source_id: str) -> None:
    """Button callback: show only the new article's claims, then open the map."""
    show_only_source(source_id)
    st.session_state[_GO_MAP] = True


def _done(result: saving.SaveResult) -> None:
    places = f", {len(result.place_ids)} new place(s)" if result.place_ids else ""
    st.success(
        f"Saved article {md_unlinked(result.source_id)}: {len(result.event_ids)} claim(s){places}. "
        "They are on the map and every page now.",
        icon=":material/task_alt:",
    )
    st.button(
        "Show its claims on the map",
        key="ing_show_map",
        type="primary",
        icon=":material/map:",
        on_click=_go_to_map,
        args=(result.source_id,),
    )
    st.caption(f"Or filter any page by source {md_unlinked(result.source_id)} in the sidebar.")


def _clear_input() -> None:
    """After a save, before the inputs are drawn: an empty form for the next article (an
    upload cannot be emptied, so its widget is replaced by a new one)."""
    st.session_state["ing_text"] = ""
    st.session_state["ing_outlet"] = ""
    st.session_state["ing_headline"] = ""
    st.session_state["ing_published"] = None
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1


def ingest_flow(data: Dataset) -> None:
    """The whole page below its header: input, proposal, review, save."""
    if st.session_state.pop(_GO_MAP, False):
        st.switch_page("pages/Map.py")
    done = st.session_state.pop(_DONE, None)
    if isinstance(done, saving.SaveResult):
        _clear_input()
        _done(done)
    picked = article_input()
    published, outlet, headline = article_fields()
    if picked is None:
        st.info("Paste an article's text or upload a file to begin.", icon=notices.INFO)
        return
    raw, name = picked
    key = digest(hashlib.sha256(raw).hexdigest(), name, published, outlet, headline)
    held = st.session_state.get(_HELD)
    held = held if isinstance(held, Held) and held.key == key else None
    if st.button("Propose claims", key="ing_propose", type="secondary" if held else "primary"):
        version = saving.data_version(Path(data_dir()))
        proposal = _propose(raw, name, published, outlet, headline, data)
        held = Held(key, proposal, version) if proposal is not None else None
        st.session_state[_HELD] = held
    if held is None:
        return
    review(held, data)


def review(held: Held, data: Dataset) -> None:
    """The review of one proposal and its save button."""
    proposal, ns = held.proposal, held.key
    gaz = gazetteer(data)
    show_article(proposal.article)
    show_found(proposal)
    if not proposal.claims:
        st.info(
            "No reported happening was found in the text: add a claim by hand in the table.",
            icon=notices.INFO,
        )
    edited = _editor(proposal, ns)
    try:
        claims = engine.claims_from_frame(edited, proposal)
    except ValueError as exc:  # a cell the table cannot turn into a claim
        st.error(f"Fix the table: {md_unlinked(str(exc))}", icon=notices.WARNING)
        return
    claims = renamed_places(claims, proposal)
    claims = apply_places(claims, typed_places(claims, proposal, gaz))
    pending = pending_places(proposal, claims, gaz)
    chosen = choose_places(pending, gaz, ns)
    claims = apply_choices(claims, pending, chosen)
    problems = blocking_problems(claims, pending, chosen)
    incidents = incident_claims(data, claims)
    if len(incidents):
        st.markdown("**Existing claims of the suggested incidents**, as each claims them:")
        st.dataframe(incidents, hide_index=True, width="stretch")
    st.markdown(f"**To be saved:** {len(claims)} claim(s), all *unverified* unless marked.")
    if claims:
        st.dataframe(save_preview(claims, gaz), hide_index=True, width="stretch")
    for problem in problems:
        st.warning(md_unlinked(problem), icon=notices.WARNING)
    places = new_places(claims, proposal, chosen)
    label = f"Save the article and {len(claims)} claim(s)" + (
        f" and {len(places)} new place(s)" if places else ""
    )
    if st.button(label, key="ing_save", type="primary", disabled=not claims or bool(problems)):
        _save(held, claims, places)
