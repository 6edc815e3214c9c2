"""The typed data model that flows through every pipeline stage.

A `Document` is created by ingest, filled in by clean (text + metadata), split into
`Sentence`s by nlp, annotated with `Mention`s by actors and with `Event`s by events; time,
places and dedup then enrich the events in place. Everything is a plain dataclass so the CLI,
the web app, the Spark job and the tests share one representation.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)

QuadClass = Literal["verbal_coop", "material_coop", "verbal_conflict", "material_conflict"]
DatePrecision = Literal["day", "month", "year", "none"]


def content_hash(text: str) -> str:
    """Stable id for a document: the same content ingested twice is stored once."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Actor:
    """A canonical actor: a state, IGO, sub-state entity, organisation or person."""

    actor_id: str
    name: str
    country: str | None  # ISO3, IGO code (NATO, UN...) or sub-state code (e.g. GEO-SOS)
    sector: str | None  # PLOVER sector code: GOV, MIL, REB, CVL, ...
    kind: str = "state"  # state | igo | region | person | org | group


@dataclass
class ActorRef:
    """An actor as it appears in one event: the text and what it resolved to."""

    text: str
    actor_id: str | None
    name: str | None
    country: str | None
    sector: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Place:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None = None
    # city | country | continent | region (state, province) | district (county) |
    # macro-region (Middle East, Sahel) | water (sea, gulf, strait)
    feature: str = "city"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Sentence:
    index: int
    start: int  # character offsets into Document.text
    end: int
    text: str


@dataclass
class Mention:
    """A span of text that refers to an actor (or a place)."""

    text: str
    start: int
    end: int
    sentence_index: int
    label: str  # spaCy/ruler label: PERSON, ORG, GPE, NORP, LOC, ACTOR
    actor: Actor | None = None


@dataclass
class Quote:
    speaker: ActorRef | None
    text: str
    sentence_index: int


@dataclass
class Event:
    event_id: str
    doc_id: str
    event_type: str
    mode: str | None
    quad_class: str
    intensity: float
    negated: bool
    future: bool
    hypothetical: bool
    source: list[ActorRef]
    target: list[ActorRef]
    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str
    trigger_start: int  # character offset of the trigger word in Document.text
    trigger_depth: int  # depth of the trigger in the dependency tree: 0 = the main verb
    confidence: float
    coded_by: str  # "rule:<lemma>" or "model:<name>", with the score in `confidence`
    historical: bool = False
    date: str | None = None
    date_precision: str = "none"
    date_text: str | None = None
    date_inferred: bool = False  # read against a date inferred from the text, not a byline
    location: Place | None = None
    story_id: str | None = None
    num_articles: int = 1
    num_sources: int = 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["location"] = self.location.to_dict() if self.location else None
        return data


@dataclass
class Document:
    """One article, from raw bytes to coded events."""

    doc_id: str
    origin: str  # path or path#line the document came from
    raw: str
    fmt: str  # txt | html | jsonl
    text: str = ""
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date, None when the page gives none
    published_precision: str = "none"
    dateline: str | None = None
    dateline_end: int = 0  # the dateline "CORFU, Greece (Reuters) - " spans text[:dateline_end]
    warnings: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "author": self.author,
            "published": self.published,
            "dateline": self.dateline,
            "origin": self.origin,
            "text": self.text,
        }
