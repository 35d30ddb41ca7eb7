"""The data schema: the single source of truth for every CSV the project reads or writes.

Loading, validation, import, export and the tests all read these tables, so a column or an
allowed value is changed here once and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "int", "float", "date", "bool", "choice", "list"]

# --- closed lists ---------------------------------------------------------------------------

#: ACLED's six event types with their 25 sub-event types, plus two families of our own for the
#: humanitarian and political claims ACLED does not code (blockade, checkpoint, aid, talks ...).
EVENT_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
    "Access and aid": ("Blockade", "Checkpoint", "Aid delivery", "Evacuation"),
    "Statements and talks": ("Negotiations/talks", "Statement", "Denial"),
}
ACLED_EVENT_TYPES: tuple[str, ...] = tuple(list(EVENT_TAXONOMY)[:6])
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_TAXONOMY)
SUB_EVENT_TYPES: tuple[str, ...] = tuple(s for subs in EVENT_TAXONOMY.values() for s in subs)

CLAIMANT_SIDES: tuple[str, ...] = (
    "Azerbaijan",
    "Armenia",
    "Nagorno-Karabakh authorities",
    "Russia",
    "International",
    "Independent/media",
)
VERIFICATION: tuple[str, ...] = ("unverified", "disputed", "denied", "confirmed")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
TIMES_OF_DAY: tuple[str, ...] = ("morning", "afternoon", "evening", "night")
PLACE_KINDS: tuple[str, ...] = (
    "city",
    "town",
    "village",
    "capital",
    "region",
    "country",
    "road",
    "corridor",
    "crossing",
)
LINE_KINDS: tuple[str, ...] = ("road", "corridor")
#: ACLED's geo_precision 1-3, in words.
LOCATION_PRECISIONS: tuple[str, ...] = ("exact", "near", "region")

LIST_SEPARATORS = {"aliases": "|", "waypoints": ";", "source_ids": ";"}
#: A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
QUOTE_MAX_WORDS = 25


@dataclass(frozen=True)
class Column:
    """One CSV column: its type, whether it may be blank, and what values it admits."""

    name: str
    kind: Kind
    required: bool = True
    allowed: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A CSV file of the dataset: its name on disk and its columns in order."""

    name: str
    filename: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


SOURCE_ID_PATTERN = r"^a\d{3}$"
PLACE_ID_PATTERN = r"^[a-z0-9_]+$"

SOURCES = TableSpec(
    name="sources",
    filename="sources.csv",
    columns=(
        Column("source_id", "id", pattern=SOURCE_ID_PATTERN, unique=True),
        Column("file", "text", unique=True, description="the seed article's file name"),
        Column("headline", "text"),
        Column("published", "date"),
        Column("outlet", "text", required=False, description="blank where the text names none"),
        Column("notes", "text", required=False),
    ),
)

PLACES = TableSpec(
    name="places",
    filename="places.csv",
    columns=(
        Column("place_id", "id", pattern=PLACE_ID_PATTERN, unique=True),
        Column("name", "text"),
        Column("aliases", "list", required=False),
        Column("kind", "choice", allowed=PLACE_KINDS),
        Column("lat", "float", minimum=-90.0, maximum=90.0),
        Column("lon", "float", minimum=-180.0, maximum=180.0),
        Column("precision", "choice", allowed=LOCATION_PRECISIONS),
        Column("country", "text"),
        Column("in_theatre", "bool"),
        Column(
            "waypoints",
            "list",
            required=False,
            description="ordered place_ids of a road or corridor; its line runs through them",
        ),
        Column("coord_source", "text"),
        Column("notes", "text", required=False),
    ),
)

EVENTS = TableSpec(
    name="events",
    filename="events.csv",
    columns=(
        Column("event_id", "id", pattern=r"^E\d{3,}$", unique=True),
        Column("incident_id", "id", pattern=r"^I\d{3,}$"),
        Column("date_start", "date"),
        Column("date_end", "date"),
        Column("date_precision", "choice", allowed=DATE_PRECISIONS),
        Column(
            "time_of_day",
            "text",
            required=False,
            pattern=r"^(morning|afternoon|evening|night|([01]\d|2[0-3]):[0-5]\d)$",
        ),
        Column("place_id", "id", required=False, description="blank = unlocated claim"),
        Column("event_type", "choice", allowed=EVENT_TYPES),
        Column("sub_event_type", "choice", allowed=SUB_EVENT_TYPES),
        Column("actor1", "text"),
        Column("actor2", "text", required=False),
        Column("claimant", "text"),
        Column("claimant_side", "choice", allowed=CLAIMANT_SIDES),
        Column("source_ids", "list"),
        Column("fatalities", "int", required=False, minimum=0, description="blank = not stated"),
        Column("injured", "int", required=False, minimum=0, description="blank = not stated"),
        Column("figures_note", "text", required=False),
        Column("verification", "choice", allowed=VERIFICATION),
        Column("summary", "text"),
        Column("quote", "text", required=False),
        Column("notes", "text", required=False),
    ),
)

TABLES: tuple[TableSpec, ...] = (SOURCES, PLACES, EVENTS)
