"""The data schema: the single source of truth for every CSV the project reads or writes.

Loading, validation, import, export and the tests all read these tables, so a column or an
allowed value is changed here once and nowhere else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pandas import NA as _NA

Kind = Literal["id", "text", "int", "float", "date", "bool", "choice", "list"]

# --- closed lists ---------------------------------------------------------------------------

#: The event type of displacement and missing-persons claims, and its sub-types.
DISPLACEMENT_TYPE = "Displacement and missing"
DISPLACEMENT = "Displacement"
REFUGEE_ARRIVAL = "Refugee arrival"
MISSING_PERSONS = "Missing persons"
DISPLACEMENT_SUB_TYPES: tuple[str, ...] = (DISPLACEMENT, REFUGEE_ARRIVAL, MISSING_PERSONS)

#: ACLED's six event types with their 25 sub-event types, plus three families of our own for the
#: humanitarian and political claims ACLED does not code (blockade, checkpoint, aid, talks,
#: people fleeing, refugees arriving, people missing ...).
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
    #: People leaving their homes, arriving as refugees, or reported missing: their own figures
    #: (``displaced``, ``missing``), not squeezed into "Evacuation" (an organised transfer).
    DISPLACEMENT_TYPE: DISPLACEMENT_SUB_TYPES,
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
    "Unknown",
)
#: The side of a claim whose claimant is not clearly a party (imported datasets' sources that
#: are media, NGOs or a mix of parties): never guessed from the claim's content.
UNKNOWN_SIDE = "Unknown"
VERIFICATION: tuple[str, ...] = ("unverified", "disputed", "denied", "confirmed")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
#: Named parts of the day and the hours each covers (night runs past midnight, to 06:00).
TIME_OF_DAY_HOURS: dict[str, tuple[int, int]] = {
    "morning": (6, 12),
    "afternoon": (12, 18),
    "evening": (18, 24),
    "night": (22, 30),
}
TIMES_OF_DAY: tuple[str, ...] = tuple(TIME_OF_DAY_HOURS)
#: A time_of_day cell: one of TIMES_OF_DAY or a clock time HH:MM.
TIME_OF_DAY_PATTERN = rf"^({'|'.join(TIMES_OF_DAY)}|([01][0-9]|2[0-3]):[0-5][0-9])$"
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
    "location",
)
#: The kind of an imported dataset's own place: the dataset codes a point, not what it is.
DATASET_PLACE_KIND = "location"
LINE_KINDS: tuple[str, ...] = ("road", "corridor")
#: The figure columns of a claim, in the order every view shows them; each is as claimed, blank
#: = not stated, never summed across claimants.
FIGURE_COLUMNS: tuple[str, ...] = ("fatalities", "injured", "displaced", "missing")
#: ACLED's geo_precision 1-3, in words.
LOCATION_PRECISIONS: tuple[str, ...] = ("exact", "near", "region")

#: Compass points a stated direction may name, clockwise from north.
COMPASS_POINTS: tuple[str, ...] = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
#: Units a stated distance may be given in.
DISTANCE_UNITS: tuple[str, ...] = ("km", "mi")

# --- key dates ------------------------------------------------------------------------------

#: The Russia-brokered ceasefire that ended the 2020 war.
CEASEFIRE_2020 = date(2020, 11, 10)
BLOCKADE_START = date(2022, 12, 12)
BLOCKADE_END = date(2023, 9, 18)
OFFENSIVE_START = date(2023, 9, 19)
OFFENSIVE_END = date(2023, 9, 21)
EXODUS_START = date(2023, 9, 24)
EXODUS_END = date(2023, 10, 1)
#: The period every view starts in: no bounds. Always offered, whatever ``periods.csv`` says.
ALL_PERIOD = "all"
#: The built-in period presets, used when a data folder has no ``periods.csv`` (folders made
#: before it existed); ``None`` bounds are open (the data's own first/last date). The bundled
#: ``data/periods.csv`` holds these and more (the exodus); an analyst adds rows there.
PERIODS: dict[str, tuple[date | None, date | None]] = {
    ALL_PERIOD: (None, None),
    "background": (None, CEASEFIRE_2020),
    "blockade": (BLOCKADE_START, BLOCKADE_END),
    "offensive": (OFFENSIVE_START, OFFENSIVE_END),
}

# --- list cells -----------------------------------------------------------------------------

#: The separator of each list column; a column not named here is an id list (``;``).
LIST_SEPARATORS: dict[str, str] = {"aliases": "|", "waypoints": ";", "source_ids": ";"}
ID_LIST_SEPARATOR = ";"


def split_list(value: object, column: str = "source_ids") -> list[str]:
    """The items of a list cell of ``column`` (default: an id list), stripped, blanks dropped.

    The one splitter for every list cell, so a separator is changed in ``LIST_SEPARATORS``
    alone. Missing values (None, NaN, pandas NA) are an empty list.
    """
    if value is None or value is _NA or (isinstance(value, float) and math.isnan(value)):
        return []
    sep = LIST_SEPARATORS.get(column, ID_LIST_SEPARATOR)
    return [part.strip() for part in str(value).split(sep) if part.strip()]


def join_list(items: list[str] | tuple[str, ...], column: str = "source_ids") -> str:
    """The cell text of a list, the inverse of :func:`split_list`."""
    return LIST_SEPARATORS.get(column, ID_LIST_SEPARATOR).join(items)


#: A cell starting with one of these is run as a formula by spreadsheet programs. The data
#: keeps such text as written ("-20 °C nights", "@AzDefenceMinistry"); only the CSV and
#: spreadsheet exports neutralise it (``src.briefing.exports.neutralise``).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
QUOTE_MAX_WORDS = 25

# --- bounds ---------------------------------------------------------------------------------

#: The window every date must lie in. The claims begin with the 1988 war and the articles'
#: background reaches back to the 1920s, so 1900 leaves room for any history an editor adds;
#: 2100 for any announced date. Both lie far inside pandas' datetime range (1677-2262),
#: which a year like 0001 or 9999 would break.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
#: The largest figure a claim may state (killed, injured, displaced, missing): above any figure
#: of the conflict (the 2020 war's claims run to the thousands; the September 2023 exodus was
#: ~100,000 people, the 1990s displacement ~1,000,000 in all), far below where charts lose
#: precision.
FIGURE_MAX = 1_000_000
#: The longest stated distance, in km or mi: half the Earth's circumference is ~20,000 km.
DISTANCE_MAX = 20_000.0
#: The only control characters a text cell may hold: tab and line breaks (quoted newlines).
#: Every other C0 control (NUL …), and DEL, is rejected wherever it appears.
TEXT_CONTROLS_ALLOWED = "\t\n\r"


@dataclass(frozen=True)
class Column:
    """One CSV column: its type, whether it may be blank, and what values it admits."""

    name: str
    kind: Kind
    required: bool = True
    allowed: tuple[str, ...] = ()
    pattern: str | None = None
    #: Bounds of an int or float column (inclusive unless ``minimum_exclusive``).
    minimum: float | None = None
    maximum: float | None = None
    #: Bounds of a date column (inclusive).
    earliest: date | None = None
    latest: date | None = None
    #: The minimum itself is not allowed (a distance must be > 0, not >= 0).
    minimum_exclusive: bool = False
    #: At most this many words (verbatim quotes).
    max_words: int | None = None
    unique: bool = False
    #: Added after files existed: a file without the column reads as all blank (so older
    #: events.csv files and exports keep loading). Only for optional columns.
    may_be_absent: bool = False
    #: What a valid value is, in words ("a source id like a003"): errors say "'x' is not …".
    hint: str = ""
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A CSV file of the dataset: its name on disk and its columns in order."""

    name: str
    filename: str
    columns: tuple[Column, ...]
    #: The file may be absent (the dataset then has no such rows).
    optional: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


#: A dataset id (``articles``, ``acled_armenia_2020``); it namespaces the dataset's own ids.
DATASET_ID_PATTERN = r"^[a-z0-9_]+$"
#: The dataset every bundled claim belongs to (a blank ``dataset`` cell means it).
ARTICLES_DATASET = "articles"
DATASET_KINDS: tuple[str, ...] = ("articles", "acled", "ucdp", "kcm")
#: The folder, under the data folder, that holds ``<dataset_id>/{sources,places,events}.csv``.
IMPORTS_FOLDER = "imports"
#: An imported dataset's own id: ``<dataset_id>:<its id>`` (``acled_arm:ARM1234``), so ids of
#: different datasets, and of the bundled data, never collide.
_NAMESPACED = r"[a-z0-9_]+:[A-Za-z0-9_.:\-]+"
SOURCE_ID_PATTERN = rf"^(a[0-9]{{3}}|{_NAMESPACED})$"
PLACE_ID_PATTERN = rf"^([a-z0-9_]+|{_NAMESPACED})$"
EVENT_ID_PATTERN = rf"^(E[0-9]{{3,}}|{_NAMESPACED})$"
INCIDENT_ID_PATTERN = rf"^(I[0-9]{{3,}}|{_NAMESPACED})$"


def namespaced(dataset_id: str, local_id: str) -> str:
    """An imported dataset's id for one of its rows (``acled_arm`` + ``ARM1234``)."""
    return f"{dataset_id}:{local_id}"


def dataset_of(row_id: str) -> str:
    """The dataset an id belongs to: its namespace, or ``articles`` for a bundled id."""
    return row_id.split(":", 1)[0] if ":" in row_id else ARTICLES_DATASET


SOURCES = TableSpec(
    name="sources",
    filename="sources.csv",
    columns=(
        Column(
            "source_id",
            "id",
            pattern=SOURCE_ID_PATTERN,
            unique=True,
            hint="a source id like a003 (or <dataset>:<id> for an imported dataset)",
        ),
        Column("file", "text", unique=True, description="the seed article's file name"),
        Column("headline", "text"),
        Column("published", "date", earliest=DATE_MIN, latest=DATE_MAX),
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
        Column(
            "event_id",
            "id",
            pattern=EVENT_ID_PATTERN,
            unique=True,
            hint="an event id like E004 (or <dataset>:<id> for an imported dataset)",
        ),
        Column(
            "incident_id",
            "id",
            pattern=INCIDENT_ID_PATTERN,
            hint="an incident id like I004 (or <dataset>:<id> for an imported dataset)",
        ),
        Column("date_start", "date", earliest=DATE_MIN, latest=DATE_MAX),
        Column("date_end", "date", earliest=DATE_MIN, latest=DATE_MAX),
        Column("date_precision", "choice", allowed=DATE_PRECISIONS),
        Column(
            "time_of_day",
            "text",
            required=False,
            pattern=TIME_OF_DAY_PATTERN,
        ),
        Column("place_id", "id", required=False, description="blank = unlocated claim"),
        Column("event_type", "choice", allowed=EVENT_TYPES),
        Column(
            "sub_event_type",
            "choice",
            required=False,
            allowed=SUB_EVENT_TYPES,
            description="blank only where a dataset codes no sub-event type (ACLED v6)",
        ),
        Column("actor1", "text"),
        Column("actor2", "text", required=False),
        Column("claimant", "text"),
        Column("claimant_side", "choice", allowed=CLAIMANT_SIDES),
        Column("source_ids", "list"),
        Column(
            "fatalities",
            "int",
            required=False,
            minimum=0,
            maximum=FIGURE_MAX,
            description="blank = not stated",
        ),
        Column(
            "injured",
            "int",
            required=False,
            minimum=0,
            maximum=FIGURE_MAX,
            description="blank = not stated",
        ),
        Column(
            "displaced",
            "int",
            required=False,
            minimum=0,
            maximum=FIGURE_MAX,
            may_be_absent=True,
            description="people displaced or arrived as refugees, as claimed; blank = not stated",
        ),
        Column(
            "missing",
            "int",
            required=False,
            minimum=0,
            maximum=FIGURE_MAX,
            may_be_absent=True,
            description="people missing, as claimed; blank = not stated",
        ),
        Column("figures_note", "text", required=False),
        Column("verification", "choice", allowed=VERIFICATION),
        Column("summary", "text"),
        Column("quote", "text", required=False, max_words=QUOTE_MAX_WORDS),
        Column("notes", "text", required=False),
        Column(
            "dataset",
            "id",
            required=False,
            pattern=DATASET_ID_PATTERN,
            may_be_absent=True,
            description="the dataset the claim belongs to; blank = articles",
        ),
        Column(
            "original_id",
            "text",
            required=False,
            may_be_absent=True,
            description="the dataset's own event id (ACLED event_id_cnty, UCDP id)",
        ),
        Column(
            "original_fields",
            "text",
            required=False,
            may_be_absent=True,
            description="JSON object of the dataset's own fields, kept verbatim",
        ),
        Column(
            "fatalities_low",
            "int",
            required=False,
            minimum=0,
            maximum=FIGURE_MAX,
            may_be_absent=True,
            description="the low end of a dataset's range (UCDP low); fatalities = best",
        ),
        Column(
            "fatalities_high",
            "int",
            required=False,
            minimum=0,
            maximum=FIGURE_MAX,
            may_be_absent=True,
            description="the high end of a dataset's range (UCDP high)",
        ),
    ),
)

DATASETS = TableSpec(
    name="datasets",
    filename="datasets.csv",
    optional=True,
    columns=(
        Column("dataset_id", "id", pattern=DATASET_ID_PATTERN, unique=True),
        Column("name", "text", description='shown in filters and legends: "ACLED Armenia 2020"'),
        Column("kind", "choice", allowed=DATASET_KINDS),
        Column("credit", "text", description="the attribution the dataset's terms require"),
        Column("url", "text", required=False),
        Column("file", "text", required=False, description="the imported file's name"),
        Column("format", "text", required=False, description="the layout detected"),
        Column("imported", "date", required=False, earliest=DATE_MIN, latest=DATE_MAX),
        Column("rows", "int", required=False, minimum=0, description="claims it holds"),
        Column("notes", "text", required=False),
    ),
)

STATED_DISTANCES = TableSpec(
    name="stated_distances",
    filename="stated_distances.csv",
    optional=True,
    columns=(
        Column("source_id", "id", pattern=SOURCE_ID_PATTERN, hint="a source id like a003"),
        Column("from_place", "text", description="the place name as the article writes it"),
        Column("to_place", "text", description="the place name as the article writes it"),
        Column(
            "value",
            "float",
            minimum=0.0,
            maximum=DISTANCE_MAX,
            minimum_exclusive=True,
            hint=f"a positive number up to {DISTANCE_MAX:g}",
        ),
        Column("unit", "choice", allowed=DISTANCE_UNITS),
        Column(
            "direction",
            "choice",
            required=False,
            allowed=COMPASS_POINTS,
            hint="a compass point (N, NE … NW)",
            description="where to_place lies from from_place, if the article says",
        ),
        Column(
            "quote",
            "text",
            max_words=QUOTE_MAX_WORDS,
            description="the part of the sentence that states the distance, verbatim",
        ),
        Column("notes", "text", required=False),
    ),
)

PERIOD_ID_PATTERN = r"^[a-z0-9_]+$"

PERIODS_TABLE = TableSpec(
    name="periods",
    filename="periods.csv",
    optional=True,
    columns=(
        Column(
            "period_id",
            "id",
            pattern=PERIOD_ID_PATTERN,
            unique=True,
            hint="a period id of lower-case letters, digits and _ (used in links: period=exodus)",
        ),
        Column(
            "label",
            "text",
            unique=True,
            description='shown in the sidebar: "Exodus (24 Sep – 1 Oct 2023)"',
        ),
        Column(
            "start",
            "date",
            required=False,
            earliest=DATE_MIN,
            latest=DATE_MAX,
            description="first day, inclusive; blank = the data's first date",
        ),
        Column(
            "end",
            "date",
            required=False,
            earliest=DATE_MIN,
            latest=DATE_MAX,
            description="last day, inclusive; blank = the data's last date",
        ),
        Column("notes", "text", required=False),
    ),
)

#: Every table of a dataset folder, in the order they are validated (references first).
TABLES: tuple[TableSpec, ...] = (
    SOURCES,
    PLACES,
    EVENTS,
    STATED_DISTANCES,
    DATASETS,
    PERIODS_TABLE,
)
#: The tables an imported dataset's folder (``imports/<dataset_id>/``) holds.
IMPORTED_TABLES: tuple[TableSpec, ...] = (SOURCES, PLACES, EVENTS)
