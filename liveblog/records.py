"""The records passed between pipeline stages, and the event schema, written down once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

ACTORS = ("Russia", "Ukraine", "NATO", "USA", "EU", "UN", "North Korea", "Belarus", "Other")
CLAIM_TYPES = ("territorial", "strike", "casualties", "arrest", "diplomatic", "humanitarian", "denial", "statement")


@dataclass
class Update:
    """One post of a live blog: its headline and whole text (headline included)."""

    index: int  # 0-based, in document order
    headline: str
    text: str  # headline + body; offsets of places and sentences index into it
    published: datetime | None = None  # the update's own time stamp, when the format has one


@dataclass
class Article:
    """One live-blog file, read and segmented."""

    file: str
    format: str  # syndicated | plain | html
    outlet: str | None
    url: str | None
    title: str | None
    published: datetime | None
    lang: str  # fr | en | other ISO code | "und"
    updates: list[Update] = field(default_factory=list)
    caption: str | None = None
    author: str | None = None
    updated: datetime | None = None
    intro: str = ""
    summary: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class Sentence:
    start: int  # offsets into Update.text
    end: int
    text: str


@dataclass
class PlaceMention:
    """A resolved (or unresolved) place named in an update's text."""

    surface: str
    start: int
    end: int
    name: str | None  # canonical English name; None when unresolved
    admin1: str | None
    country: str | None  # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    geonameid: int | None
    precision: int | None  # 1 settlement/feature, 2 near/relative/part of region, 3 region
    confidence: float  # 0..1
    place_id: str | None = None  # gazetteer id
    kind: str | None = None  # settlement | region | country | feature | relative
    candidates: list[str] = field(default_factory=list)  # ids considered, for review of unresolved names


@dataclass
class Claim:
    sentence: str
    start: int  # offsets of the sentence into Update.text
    end: int
    actor: str  # one of ACTORS, or "reported" for an outlet's own report of an event
    actor_detail: str
    type: str  # one of CLAIM_TYPES
    event_date: date | None
    date_precision: str  # day | inferred
    places: list[int] = field(default_factory=list)  # indices into the update's places
    figures: dict = field(default_factory=dict)  # {"killed": 2, "drones_shot_down": 25} (liveblog.figures)
    group_id: str = ""  # the same claim in any outlet has the same id (liveblog.corroboration.group_id)


@dataclass
class UpdateResult:
    """What the pipeline extracts from one update: the unit of `liveblog extract` output."""

    article: Article
    update: Update
    places: list[PlaceMention]
    claims: list[Claim]


# One row per claim at one place; a claim with no place keeps one row with empty location columns.
# The order is the order of the CSV export and of the README's table.
EVENT_COLUMNS = (
    "event_id",
    "event_date",
    "date_precision",
    "published_at",
    "actor",
    "actor_detail",
    "claim_type",
    "claim",
    "headline",
    "place",
    "place_surface",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "geo_confidence",
    "source",
    "source_url",
    "language",
    "title",
    "file",
    "update_index",
    "figures",  # JSON object text, "{}" when the claim states none
    "group_id",
)
