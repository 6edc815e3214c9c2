"""Store: the embedded DuckDB database (documents, events, actors, quotes) with full-text
search over document text (the fts extension, loaded from its PyPI package: no network)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb

from parley.actors.knowledge import Person
from parley.model import Document, Event, Mention, Quote

DEFAULT_DB = "parley.duckdb"
DATE_FILTER = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def is_date_filter(value: str) -> bool:
    """A since/until bound: YYYY, YYYY-MM or YYYY-MM-DD naming a real year, month or day
    (not "notadate", not 2024-13-45)."""
    if not DATE_FILTER.fullmatch(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, origin VARCHAR, fmt VARCHAR, title VARCHAR, source VARCHAR,
    url VARCHAR, author VARCHAR, published VARCHAR, dateline VARCHAR, text VARCHAR,
    warnings JSON, coded BOOLEAN DEFAULT false,
    ingested_at TIMESTAMP DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY, doc_id VARCHAR, event_type VARCHAR, mode VARCHAR,
    quad_class VARCHAR, intensity DOUBLE, negated BOOLEAN, future BOOLEAN, hypothetical BOOLEAN,
    historical BOOLEAN, source JSON, target JSON, source_countries VARCHAR[],
    target_countries VARCHAR[], date VARCHAR, date_precision VARCHAR, date_text VARCHAR,
    date_inferred BOOLEAN,
    location JSON, sentence VARCHAR, sentence_start INTEGER, sentence_end INTEGER,
    trigger VARCHAR, trigger_start INTEGER, trigger_depth INTEGER, confidence DOUBLE, coded_by VARCHAR, story_id VARCHAR,
    num_articles INTEGER, num_sources INTEGER);
CREATE TABLE IF NOT EXISTS quotes (
    doc_id VARCHAR, sentence_index INTEGER, speaker JSON, text VARCHAR);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id VARCHAR, text VARCHAR, start_char INTEGER, end_char INTEGER, label VARCHAR,
    actor_id VARCHAR, country VARCHAR, sector VARCHAR);
CREATE TABLE IF NOT EXISTS people (
    actor_id VARCHAR PRIMARY KEY, name VARCHAR, aliases JSON, roles JSON);
-- facts about the store as a whole: 'stories' is 'current' once story ids and the search
-- index reflect every stored event (a run that stores events clears it)
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
"""

EVENT_COLUMNS = [
    "event_id", "doc_id", "event_type", "mode", "quad_class", "intensity", "negated", "future",
    "hypothetical", "historical", "source", "target", "date", "date_precision", "date_text",
    "date_inferred",
    "location", "sentence", "sentence_start", "sentence_end", "trigger", "trigger_start", "trigger_depth",
    "confidence",
    "coded_by", "story_id", "num_articles", "num_sources",
]

SELECT_EVENTS = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"

# the orders the event list offers (the web table's sortable columns): a key, never raw SQL
EVENT_SORTS = {
    "date": "date", "type": "event_type", "intensity": "intensity", "place": "json_extract_string(location, '$.name')",
    "source": "json_extract_string(source, '$[0].name')",
    "target": "json_extract_string(target, '$[0].name')", "articles": "num_articles",
}
QUAD_CLASSES = ("verbal_coop", "material_coop", "verbal_conflict", "material_conflict")
# an event's actor list as DuckDB rows (unnest(from_json(...))): one row per actor
_ACTOR_STRUCT = ('[{"text": "VARCHAR", "actor_id": "VARCHAR", "name": "VARCHAR", '
                 '"country": "VARCHAR", "sector": "VARCHAR"}]')
# one row per (event, side, actor) of the events in `ev`, the CTE a query defines first
_SIDES = (f"sides AS (SELECT event_id, 'source' AS side, unnest(from_json(source, '{_ACTOR_STRUCT}'), "
          f"recursive := true) FROM ev UNION ALL SELECT event_id, 'target' AS side, "
          f"unnest(from_json(target, '{_ACTOR_STRUCT}'), recursive := true) FROM ev)")
# whether an event names an actor (by id) as its source or its target
_HAS_SOURCE = "list_contains(json_extract_string(source, '$[*].actor_id'), ?)"
_HAS_TARGET = "list_contains(json_extract_string(target, '$[*].actor_id'), ?)"
_QUAD_COUNTS = ", ".join(f"count(*) FILTER (WHERE quad_class = '{q}') AS {q}" for q in QUAD_CLASSES)
# the commonest quad class, a tie going to the first of QUAD_CLASSES (mode() picks any)
_QUAD_MODE = ("CASE greatest(" + ", ".join(f"count(*) FILTER (WHERE quad_class = '{q}')" for q in QUAD_CLASSES)
              + ") " + " ".join(f"WHEN count(*) FILTER (WHERE quad_class = '{q}') THEN '{q}'" for q in QUAD_CLASSES)
              + " END")
# the same over pre-counted rows (a column n of counts)
_QUAD_SUMS = ", ".join(f"coalesce(sum(n) FILTER (WHERE quad_class = '{q}'), 0)::BIGINT AS {q}" for q in QUAD_CLASSES)
# the event list's own order, and the key that makes it total (a cursor needs one)
EVENT_ORDER = "date NULLS LAST, doc_id, sentence_start, event_id"
ORDER_KEYS = ("date", "doc_id", "sentence_start", "event_id")


def _fts_extension_path() -> Path | None:
    try:
        import duckdb_extension_fts  # type: ignore[import-untyped]
    except ImportError:
        return None
    root = Path(duckdb_extension_fts.__file__).parent
    found = sorted(root.rglob("fts.duckdb_extension"))
    return found[-1] if found else None


# An event's actors as searchable text: each actor's text, name and id, one per line (a
# pattern cannot match across them, nor the JSON keys the list is stored with)
_ACTOR_FIELDS = ("array_to_string(list_concat(json_extract_string({column}, '$[*].text'), "
                 "json_extract_string({column}, '$[*].name'), json_extract_string({column}, '$[*].actor_id')), chr(10))")


# Derived tables, rebuilt together after each run or load (Store.refresh_aggregates) and read
# only while meta 'aggregates' is 'current': a write of events makes them stale, and queries
# fall back to the events table itself. In build order:
#  event_keys: each event's filter and sort columns, decoded from its JSON once, in the event
#    list's order (pos): a page reads narrow columns and stops once it has its rows;
#  event_actors: one row per (event, side, resolved actor), by actor: an actor's page and a
#    dyad read their actors' rows only;
#  agg_*: the answers of the unfiltered summary, actor list, actor heads, partners, network
#    edges, map places and story list.
_PLACE = "json_extract_string(location, '$.name')"
_SOURCE_TERMS = "lower(" + _ACTOR_FIELDS.format(column="source") + ")"
_TARGET_TERMS = "lower(" + _ACTOR_FIELDS.format(column="target") + ")"
# the columns the filters read: on the events table, and on event_keys
_RAW_COLUMNS = {"place": _PLACE, "source_terms": _SOURCE_TERMS, "target_terms": _TARGET_TERMS,
                "sentence": "lower(sentence)"}
_KEY_COLUMNS = {"place": "place", "source_terms": "source_terms", "target_terms": "target_terms",
                "sentence": "sentence_lower"}
# EVENT_SORTS on event_keys
KEY_SORTS = {"date": "date", "type": "event_type", "intensity": "intensity", "place": "place",
             "source": "source_name", "target": "target_name", "articles": "num_articles"}
_ACTOR_COUNTS = ("SELECT actor_id, min(country) AS country, min(sector) AS sector, "
                 "count(*) AS mentions, count(DISTINCT doc_id) AS docs, "
                 "string_agg(DISTINCT text, ' | ' ORDER BY text) AS forms FROM mentions WHERE actor_id IS NOT NULL "
                 "GROUP BY actor_id")
# a story's row in the list; its lead is its first event (by date, then the list's order)
_STORY_ROW = ("SELECT story_id, count(*) AS events, max(num_articles) AS num_articles, "
              "max(num_sources) AS num_sources, count(DISTINCT doc_id) AS documents, min(date) AS first_date, "
              "max(date) AS last_date, list(DISTINCT event_type ORDER BY event_type) AS types, "
              f"{_QUAD_MODE} AS quad_class, "
              "arg_min(event_id, (coalesce(date, '9999'), doc_id, sentence_start, event_id)) AS lead")
AGGREGATES: dict[str, str] = {
    "event_keys": f"""
        SELECT row_number() OVER (ORDER BY {EVENT_ORDER}) AS pos, event_id, doc_id, date, sentence_start,
               event_type, quad_class, intensity, story_id, num_articles, num_sources, source_countries,
               target_countries, {_PLACE} AS place,
               TRY_CAST(json_extract_string(location, '$.lat') AS DOUBLE) AS lat,
               TRY_CAST(json_extract_string(location, '$.lon') AS DOUBLE) AS lon,
               location IS NOT NULL AS located,
               json_extract_string(source, '$[0].name') AS source_name,
               json_extract_string(target, '$[0].name') AS target_name,
               {_SOURCE_TERMS} AS source_terms, {_TARGET_TERMS} AS target_terms, lower(sentence) AS sentence_lower
        FROM events ORDER BY pos""",
    "event_actors": f"""
        WITH ev AS (SELECT event_id, source, target FROM events), {_SIDES}
        SELECT s.actor_id, s.side, s.event_id, s.text, s.name, s.country, s.sector, k.pos, k.date,
               k.doc_id, k.sentence_start, k.event_type, k.quad_class, k.intensity
        FROM sides s JOIN event_keys k USING (event_id) WHERE s.actor_id IS NOT NULL
        ORDER BY s.actor_id, k.pos""",
    "agg_span": """
        SELECT min(date) AS first, max(date) AS last, count(*) AS n, count(DISTINCT story_id) AS stories,
               count(*) FILTER (WHERE located) AS located FROM event_keys""",
    "agg_types": """
        SELECT event_type, any_value(quad_class) AS quad_class, count(*) AS n FROM event_keys
        GROUP BY 1 ORDER BY 3 DESC, 1""",
    "agg_months": """
        SELECT substr(date, 1, 7) AS month, count(*) AS n FROM event_keys WHERE length(date) >= 7
        GROUP BY 1 ORDER BY 1""",
    "agg_countries": """
        SELECT country, count(*) AS n FROM (SELECT unnest(list_distinct(list_concat(source_countries,
               target_countries))) AS country FROM event_keys) WHERE country IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1""",
    "agg_actor_mentions": f"{_ACTOR_COUNTS} ORDER BY mentions DESC, actor_id",
    "agg_actors": """
        SELECT actor_id, mode(name) AS name, mode(country) AS country, mode(sector) AS sector,
               count(DISTINCT event_id) AS events,
               count(DISTINCT event_id) FILTER (WHERE side = 'source') AS as_source,
               count(DISTINCT event_id) FILTER (WHERE side = 'target') AS as_target
        FROM event_actors GROUP BY 1 ORDER BY 1""",
    "agg_partners": """
        WITH me AS (SELECT DISTINCT actor_id, event_id, side FROM event_actors),
             other AS (SELECT DISTINCT event_id, side, actor_id, name, intensity FROM event_actors)
        SELECT me.actor_id, other.actor_id AS partner, mode(other.name) AS name,
               count(DISTINCT event_id) FILTER (WHERE me.side = 'source') AS acts_on,
               count(DISTINCT event_id) FILTER (WHERE me.side = 'target') AS acted_on_by,
               count(DISTINCT event_id) AS n, avg(other.intensity) AS intensity
        FROM me JOIN other USING (event_id) WHERE me.side <> other.side AND other.actor_id <> me.actor_id
        GROUP BY 1, 2 ORDER BY 1, n DESC, 2""",
    "agg_edges": f"""
        WITH s AS (SELECT DISTINCT event_id, actor_id FROM event_actors WHERE side = 'source'),
             t AS (SELECT DISTINCT event_id, actor_id FROM event_actors WHERE side = 'target')
        SELECT s.actor_id AS source, t.actor_id AS target, count(*) AS n, avg(k.intensity) AS intensity,
               {_QUAD_MODE} AS quad_class, {_QUAD_COUNTS}
        FROM s JOIN t USING (event_id) JOIN event_keys k USING (event_id) WHERE s.actor_id <> t.actor_id
        GROUP BY 1, 2 ORDER BY n DESC, 1, 2""",
    "agg_places": """
        SELECT place, lat, lon, quad_class, count(*) AS n FROM event_keys
        WHERE located AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 GROUP BY ALL""",
    "agg_stories": f"""
        WITH s AS ({_STORY_ROW} FROM event_keys WHERE story_id IS NOT NULL GROUP BY 1)
        SELECT s.* EXCLUDE (lead), e.sentence, e.doc_id AS lead_doc FROM s JOIN events e ON e.event_id = s.lead""",
}
AGGREGATE_TABLES = tuple(AGGREGATES)


def encode_cursor(values: Sequence[Any]) -> str:
    """The event list's `after` cursor: the last row's order key (sort value, date, doc_id,
    sentence_start, event_id) as URL-safe text."""
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: int) -> list[Any]:
    """The values an `after` cursor holds; ValueError when it is not one of ours."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError("not a cursor this server gave") from None
    if not isinstance(values, list) or len(values) != keys or not all(
            v is None or isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError("not a cursor this server gave (or one for another sort)")
    return values


def _after(keys: Sequence[tuple[str, bool, Any]]) -> tuple[str, list[Any]]:
    """SQL true for the rows after a cursor in an order of (expression, descending, cursor
    value) keys, nulls last either way: each key greater, or equal and the rest greater."""
    sql, params = "false", []  # type: str, list[Any]
    for expr, desc, value in reversed(keys):
        if value is None:  # nulls come last: nothing is after a null but more nulls
            sql = f"({expr} IS NULL AND {sql})"
        else:
            sql = f"({expr} {'<' if desc else '>'} ? OR {expr} IS NULL OR ({expr} = ? AND {sql}))"
            params = [value, value] + params
    return sql, params



# Rows of the store's tables as plain values (JSON columns as lists and dicts): what a save
# writes, and what a Spark job carries to `load_tables` (one definition for both).
def document_row(doc: Document) -> dict[str, Any]:
    return {"doc_id": doc.doc_id, "origin": doc.origin, "fmt": doc.fmt, "title": doc.title,
            "source": doc.source, "url": doc.url, "author": doc.author, "published": doc.published,
            "dateline": doc.dateline, "text": doc.text, "warnings": list(doc.warnings)}


def nested_event_columns(event: dict[str, Any]) -> dict[str, Any]:
    """The columns of an event (as `Event.to_dict` gives it) that the export flattens:
    actors, place, and the countries of the actors that the filters look in."""
    return {"source": event["source"], "target": event["target"], "location": event["location"],
            "source_countries": sorted({a["country"] for a in event["source"] if a["country"]}),
            "target_countries": sorted({a["country"] for a in event["target"] if a["country"]})}


def mention_row(doc_id: str, m: Mention) -> dict[str, Any]:
    return {"doc_id": doc_id, "text": m.text, "start_char": m.start, "end_char": m.end, "label": m.label,
            "actor_id": m.actor.actor_id if m.actor else None, "country": m.actor.country if m.actor else None,
            "sector": m.actor.sector if m.actor else None}


def quote_row(doc_id: str, q: Quote) -> dict[str, Any]:
    return {"doc_id": doc_id, "sentence_index": q.sentence_index,
            "speaker": q.speaker.to_dict() if q.speaker else None, "text": q.text}


def person_row(person: Person) -> dict[str, Any]:
    return {"actor_id": person.actor_id, "name": person.name, "aliases": list(person.aliases),
            "roles": [asdict(r) for r in person.roles]}


# The tables `Store.load_tables` fills (events with their source_countries/target_countries)
LOADED_TABLES = ("documents", "events", "mentions", "quotes", "people")


# People being loaded, each merged with the stored person of the same id: the stored
# aliases and roles the incoming row lacks follow its own, and the fuller name wins (what a
# run starting from the store's people would have learned; loading a row twice changes nothing)
_MERGED_PEOPLE = """
SELECT i.actor_id,
       CASE WHEN s.name IS NULL OR len(string_split(i.name, ' ')) >= len(string_split(s.name, ' '))
            THEN i.name ELSE s.name END AS name,
       to_json(list_concat(CAST(i.aliases AS VARCHAR[]), list_filter(CAST(coalesce(s.aliases, '[]') AS VARCHAR[]),
               a -> NOT list_contains(CAST(i.aliases AS VARCHAR[]), a)))) AS aliases,
       to_json(list_concat(CAST(i.roles AS JSON[]), list_filter(CAST(coalesce(s.roles, '[]') AS JSON[]),
               r -> NOT list_contains(CAST(i.roles AS JSON[]), r)))) AS roles
FROM incoming_people i LEFT JOIN people s USING (actor_id)"""


def _descending(text: str | None) -> tuple[int, ...]:
    """A sort key that orders strings backwards (dates latest first)."""
    return tuple(-ord(c) for c in text or "") + (1,)


def _dyad_figures(rows: list[dict[str, Any]], width: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A dyad's series (per direction and period) and totals (per direction) from its
    events' rows (direction, date, intensity, quad_class), as the SQL of the events table
    computes them."""
    def figures(group: list[dict[str, Any]]) -> dict[str, Any]:
        scores = [r["intensity"] for r in group if r["intensity"] is not None]
        return {"n": len(group), "mean_intensity": sum(scores) / len(scores) if scores else None,
                **{q: sum(r["quad_class"] == q for r in group) for q in QUAD_CLASSES}}

    periods: dict[tuple[str, str], list[dict[str, Any]]] = {}
    directions: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        directions.setdefault(row["direction"], []).append(row)
        if row["date"] is not None and len(row["date"]) >= width:
            periods.setdefault((row["direction"], row["date"][:width]), []).append(row)
    series = []
    for (direction, period), group in sorted(periods.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        head = figures(group)
        scores = [r["intensity"] for r in group if r["intensity"] is not None]
        series.append({"direction": direction, "period": period, "n": head["n"],
                       "mean_intensity": head["mean_intensity"], "total_intensity": sum(scores) if scores else None,
                       **{q: head[q] for q in QUAD_CLASSES}})
    totals = []
    for direction, group in sorted(directions.items()):
        head = figures(group)
        undated = sum(r["date"] is None or len(r["date"]) < width for r in group)
        totals.append({"direction": direction, "n": head["n"], "undated": undated,
                       "mean_intensity": head["mean_intensity"], **{q: head[q] for q in QUAD_CLASSES}})
    return series, totals


class StoreBusy(RuntimeError):
    """Another process holds the database (DuckDB lets one process write, or many read)."""


def _connect(path: str, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    pause = 0.1
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as err:
            if "lock" not in str(err).lower():
                raise
            if time.monotonic() + pause > deadline:
                holder = re.search(r"\(PID (\d+)\)", str(err))
                who = f"process {holder.group(1)}" if holder else "another process"
                raise StoreBusy(f"{path} is in use by {who} (a run writing, or a reader while one "
                                f"writes); wait for it to end, or give --wait SECONDS") from None
            time.sleep(pause)
            pause = min(2.0, pause * 2)


class Store:
    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False, wait: float = 0.0) -> None:
        """Open (or create) a store. Another process writing to it holds a lock: wait up to
        `wait` seconds for it, then raise StoreBusy."""
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"no Parley database at {self.path}: run `parley run PATH` first")
        self.con = _connect(self.path, read_only, wait)
        if not read_only:
            self.con.execute(SCHEMA)
        self._fts_loaded = False
        self._aggregated: bool | None = None

    @classmethod
    def over(cls, con: duckdb.DuckDBPyConnection, path: str | Path, aggregated: bool | None = None) -> Store:
        """A store on a connection opened elsewhere (a cursor of a shared read-only
        connection, say); `close` closes that connection."""
        store = cls.__new__(cls)
        store.path, store.con, store._fts_loaded, store._aggregated = str(path), con, False, aggregated
        return store

    @property
    def aggregated(self) -> bool:
        """Whether the derived tables (AGGREGATES) reflect every stored event."""
        if self._aggregated is None:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'aggregates'").fetchone()
            self._aggregated = row is not None and row[0] == "current"
        return self._aggregated

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing -------------------------------------------------------------------------
    def known_doc_ids(self, coded_only: bool = False) -> set[str]:
        sql = "SELECT doc_id FROM documents" + (" WHERE coded" if coded_only else "")
        return {row[0] for row in self.con.execute(sql).fetchall()}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside is stored together or not at all (a kill mid-way
        leaves the store as it was before)."""
        self.con.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def save_document(self, doc: Document, coded: bool = True) -> None:
        """Insert or replace a document with everything derived from it."""
        with self.transaction():
            self._write_document(doc, coded)
            if coded or doc.events:  # an ingested (uncoded) document changes no event
                self._aggregates_stale()

    def _aggregates_stale(self) -> None:
        self._aggregated = False
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('aggregates', 'stale')")

    def save_batch(self, docs: Iterable[Document], people: Iterable[Person]) -> None:
        """A coded batch and the people (roles) learned so far, in one transaction: a run
        killed while saving loses the whole batch or nothing, and a resumed run recodes it
        exactly as an uninterrupted run would."""
        with self.transaction():
            for doc in docs:
                self._write_document(doc, coded=True)
            self._write_people(people)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories', 'stale')")
            self._aggregates_stale()

    def stories_current(self) -> bool:
        """Whether story ids and the search index were rebuilt after the last batch saved."""
        row = self.con.execute("SELECT value FROM meta WHERE key = 'stories'").fetchone()
        return row is not None and row[0] == "current"

    def mark_stories_current(self) -> None:
        """Called where a run or a load ends, once story ids and the search index are
        rebuilt: the derived tables are rebuilt too, from the finished store."""
        self.refresh_aggregates()
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories', 'current')")

    def refresh_aggregates(self) -> None:
        """Rebuild every derived table (AGGREGATES) from the events, in one transaction:
        a reader sees the old tables or the new ones, never half of them."""
        with self.transaction():
            for table, sql in AGGREGATES.items():
                self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('aggregates', 'current')")
        self._aggregated = True

    def load_tables(self, selects: dict[str, str]) -> tuple[int, int]:
        """Bulk-load coded documents with their events, mentions and quotes, and people:
        `selects` gives, for each of LOADED_TABLES, a query yielding that table's columns by
        name (e.g. over read_parquet). As `save_batch` does, each document replaces the stored
        one of the same id with everything derived from it; each person is merged with the
        stored one of the same id (_MERGED_PEOPLE). Loading the same rows twice stores them
        once. One transaction; marks stories stale. Returns the documents and events loaded."""
        con = self.con
        with self.transaction():
            # each source is read once, into a temporary table the deletes and inserts share
            for table in LOADED_TABLES:
                con.execute(f"CREATE OR REPLACE TEMP TABLE incoming_{table} AS {selects[table]}")
            con.execute(f"CREATE OR REPLACE TEMP TABLE merged_people AS {_MERGED_PEOPLE}")
            for table in ("events", "quotes", "mentions", "documents"):
                con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM incoming_documents)")
            con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM incoming_events)")
            con.execute("DELETE FROM people WHERE actor_id IN (SELECT actor_id FROM incoming_people)")
            con.execute("INSERT INTO documents BY NAME SELECT *, true AS coded FROM incoming_documents")
            for table in ("events", "mentions", "quotes"):
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_{table}")
            con.execute("INSERT INTO people BY NAME SELECT * FROM merged_people")
            documents, events = (int(con.execute(f"SELECT count(*) FROM incoming_{t}").fetchall()[0][0])
                                 for t in ("documents", "events"))
            for name in [f"incoming_{table}" for table in LOADED_TABLES] + ["merged_people"]:
                con.execute(f"DROP TABLE {name}")
            con.execute("INSERT OR REPLACE INTO meta VALUES ('stories', 'stale')")
            self._aggregates_stale()
        return documents, events

    def _write_document(self, doc: Document, coded: bool) -> None:
        con = self.con
        for table in ("events", "quotes", "mentions"):
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc.doc_id])
        con.execute("DELETE FROM documents WHERE doc_id = ?", [doc.doc_id])
        values = {**document_row(doc), "coded": coded}
        values["warnings"] = json.dumps(values["warnings"])
        con.execute(f"INSERT INTO documents ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                    list(values.values()))
        if doc.events:
            con.executemany(
                f"INSERT INTO events ({', '.join(EVENT_COLUMNS[:12])}, source_countries, "
                f"target_countries, {', '.join(EVENT_COLUMNS[12:])}) VALUES "
                f"({', '.join('?' * (len(EVENT_COLUMNS) + 2))})",
                [self._event_row(e) for e in doc.events])
        if doc.quotes:
            con.executemany("INSERT INTO quotes VALUES (?,?,?,?)", [
                list({**row, "speaker": json.dumps(row["speaker"])}.values())
                for row in (quote_row(doc.doc_id, q) for q in doc.quotes)])
        if doc.mentions:
            con.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?)",
                            [list(mention_row(doc.doc_id, m).values()) for m in doc.mentions])

    @staticmethod
    def _event_row(e: Event) -> list[Any]:
        d = e.to_dict()
        nested = nested_event_columns(d)
        row = [d[c] for c in EVENT_COLUMNS[:10]]
        row += [json.dumps(nested["source"]), json.dumps(nested["target"]),
                nested["source_countries"], nested["target_countries"]]
        for col in EVENT_COLUMNS[12:]:
            value = d[col]
            row.append(json.dumps(value) if col == "location" and value is not None else value)
        return row

    def save_people(self, people: Iterable[Person]) -> None:
        with self.transaction():
            self._write_people(people)

    def _write_people(self, people: Iterable[Person]) -> None:
        for person in people:
            self.con.execute("DELETE FROM people WHERE actor_id = ?", [person.actor_id])
            row = person_row(person)
            self.con.execute("INSERT INTO people VALUES (?,?,?,?)", [
                row["actor_id"], row["name"], json.dumps(row["aliases"]), json.dumps(row["roles"])])

    def load_people(self) -> list[Person]:
        from parley.actors.knowledge import Role

        people = []
        for actor_id, name, aliases, roles in self.con.execute(
                "SELECT actor_id, name, aliases, roles FROM people").fetchall():
            people.append(Person(actor_id=actor_id, name=name, aliases=json.loads(aliases),
                                 roles=[Role(**r) for r in json.loads(roles)]))
        return people

    def update_stories(self, assignments: dict[str, tuple[str, int, int]]) -> None:
        """Every event's story at once (one transaction: never half the ids renumbered)."""
        if not assignments:
            return
        with self.transaction():
            self.con.executemany(
                "UPDATE events SET story_id = ?, num_articles = ?, num_sources = ? WHERE event_id = ?",
                [[s, a, n, eid] for eid, (s, a, n) in assignments.items()])
            self._aggregates_stale()

    def build_search_index(self) -> bool:
        """(Re)build the full-text index over documents; False when fts is unavailable."""
        if not self._load_fts():
            return False
        self.con.execute("PRAGMA create_fts_index('documents', 'doc_id', 'title', 'text', overwrite=1)")
        return True

    def _load_fts(self) -> bool:
        if self._fts_loaded:
            return True
        path = _fts_extension_path()
        if path is None:
            return False
        try:
            self.con.execute(f"LOAD '{path}'")
        except duckdb.Error:
            return False
        self._fts_loaded = True
        return True

    # ---- reading -------------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=False)) for row in cur.fetchall()]

    @staticmethod
    def _event_filter(event_type: str | Sequence[str] | None = None, actor: str | None = None,
                      country: str | None = None, since: str | None = None, until: str | None = None,
                      text: str | None = None, story: str | None = None,
                      quad_class: str | Sequence[str] | None = None,
                      place: str | None = None, columns: dict[str, str] = _RAW_COLUMNS) -> tuple[str, list[Any]]:
        """SQL conditions for the filters. `actor` and `text` are plain words, never patterns:
        "%" and "_" match themselves. `actor` looks in each actor's text, name and id
        ("ISR:GOV"), not in the JSON the lists are stored as. Several types (or quad classes):
        any of them. `place` is a location's name, whole. `columns`: where the place, actor
        terms and lowered sentence are read (the events table's JSON, or event_keys)."""
        where, params = ["1=1"], []
        types = [event_type] if isinstance(event_type, str) else list(event_type or [])
        if types:
            where.append(f"event_type IN ({', '.join('?' * len(types))})")
            params += [t.upper() for t in types]
        quads = [quad_class] if isinstance(quad_class, str) else list(quad_class or [])
        if quads:
            where.append(f"quad_class IN ({', '.join('?' * len(quads))})")
            params += [q.lower() for q in quads]
        if place:
            where.append(f"{columns['place']} = ?")
            params.append(place)
        if actor:
            # contains(), not LIKE: the words are never a pattern (and it is faster)
            where.append(f"(contains({columns['source_terms']}, ?) OR contains({columns['target_terms']}, ?))")
            params += [actor.lower()] * 2
        if country:
            where.append("(list_contains(source_countries, ?) OR list_contains(target_countries, ?))")
            params += [country.upper()] * 2
        if since:
            where.append("date >= ?")
            params.append(since)
        if until:
            where.append("date <= ?")
            params.append(until + "\uffff")
        if text:
            where.append(f"contains({columns['sentence']}, ?)")
            params.append(text.lower())
        if story:
            where.append("story_id = ?")
            params.append(story)
        return " AND ".join(where), params

    def events(self, event_type: str | Sequence[str] | None = None, actor: str | None = None,
               country: str | None = None, since: str | None = None, until: str | None = None,
               limit: int | None = None, offset: int = 0, text: str | None = None,
               story: str | None = None, quad_class: str | Sequence[str] | None = None,
               place: str | None = None, sort: str | None = None, after: str | None = None) -> list[dict[str, Any]]:
        """Events matching every filter given, by date (undated last), then document order;
        `sort` (a key of EVENT_SORTS, "-" first for descending) puts another order first;
        `after` (a cursor of `event_page`) starts after the row it names."""
        filters: dict[str, Any] = {"event_type": event_type, "actor": actor, "country": country, "since": since,
                                   "until": until, "text": text, "story": story, "quad_class": quad_class,
                                   "place": place}
        return self.event_page(filters, limit=limit, offset=offset, sort=sort, after=after)[0]

    def event_page(self, filters: dict[str, Any] | None = None, limit: int | None = None, offset: int = 0,
                   sort: str | None = None, after: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the event list (as `events`) and the cursor of the page after it
        (None on the last page). A cursor holds the last row's order key, so the next page
        starts right after it however deep it is (no rows skipped and counted again, as an
        offset is) and however the store grew in between. ValueError for a bad cursor or
        an unknown sort key."""
        key = sort.lstrip("-") if sort else None
        if key is not None and key not in EVENT_SORTS:
            raise ValueError(f"unknown sort {sort!r}")  # never raw SQL
        desc = bool(sort and sort.startswith("-"))
        start = decode_cursor(after, len(ORDER_KEYS) + (key is not None)) if after else None
        keyed = self.aggregated
        table = "event_keys" if keyed else "events"
        sort_expr = (KEY_SORTS if keyed else EVENT_SORTS)[key] if key else None
        where, params = self._event_filter(**(filters or {}), columns=_KEY_COLUMNS if keyed else _RAW_COLUMNS)
        order_keys = [(expr, False) for expr in ORDER_KEYS]
        if sort_expr:
            order_keys.insert(0, (sort_expr, desc))
        if start is not None:
            cond, more = _after([(expr, d, value) for (expr, d), value in zip(order_keys, start, strict=True)])
            where, params = f"{where} AND {cond}", params + more
        take = f" LIMIT {int(limit) + 1}" if limit else ""  # one more: is there a page after?
        take += f" OFFSET {int(offset)}" if offset else ""
        sort_value = f"{sort_expr} AS sort_value, " if sort_expr else ""
        if keyed and not sort_expr:
            # event_keys is stored in the list's order: a scan in that order stops once it has
            # the page (DuckDB keeps insertion order where no ORDER BY says otherwise)
            sql = f"SELECT * FROM (SELECT pos, event_id FROM event_keys WHERE {where}{take}) ORDER BY pos"
        elif keyed:
            sql = (f"SELECT {sort_value}pos, event_id FROM event_keys WHERE {where} "
                   f"ORDER BY {sort_expr} {'DESC' if desc else 'ASC'} NULLS LAST, pos{take}")
        else:
            order = ", ".join(f"{e} {'DESC' if d else 'ASC'} NULLS LAST" for e, d in order_keys)
            sql = f"SELECT {sort_value}{', '.join(EVENT_COLUMNS)} FROM {table} WHERE {where} ORDER BY {order}{take}"
        found = self.query(sql, params)
        if keyed and found:  # the page's whole rows, by id (the primary key's index)
            ids = [r["event_id"] for r in found]
            full = {r["event_id"]: r for r in self.query(
                f"{SELECT_EVENTS} WHERE event_id IN ({', '.join('?' * len(ids))})", ids)}
            found = [{**({"sort_value": r["sort_value"]} if sort_expr else {}), **full[r["event_id"]]}
                     for r in found]
        more_rows = bool(limit) and len(found) > int(limit or 0)
        rows = found[:limit] if limit else found
        cursor = None
        if more_rows and rows:
            last = rows[-1]
            cursor = encode_cursor(([last["sort_value"]] if sort_expr else []) + [last[k] for k in ORDER_KEYS])
        for row in rows:
            row.pop("sort_value", None)
        return [self._decoded(row) for row in rows], cursor

    def count_events(self, event_type: str | Sequence[str] | None = None, actor: str | None = None,
                     country: str | None = None, since: str | None = None, until: str | None = None,
                     text: str | None = None, story: str | None = None,
                     quad_class: str | Sequence[str] | None = None, place: str | None = None) -> int:
        filters: dict[str, Any] = {"event_type": event_type, "actor": actor, "country": country, "since": since,
                                   "until": until, "text": text, "story": story, "quad_class": quad_class,
                                   "place": place}
        if not any(filters.values()):
            return int(self.query("SELECT count(*) AS n FROM events")[0]["n"])
        keyed = self.aggregated
        where, params = self._event_filter(**filters, columns=_KEY_COLUMNS if keyed else _RAW_COLUMNS)
        table = "event_keys" if keyed else "events"
        return int(self.query(f"SELECT count(*) AS n FROM {table} WHERE {where}", params)[0]["n"])

    def export_rows(self, filters: dict[str, Any] | None = None, batch: int = 2000) -> Iterator[list[dict[str, Any]]]:
        """Every event matching the filters, in the list's order, with its document's title,
        source and publication date (doc_title, doc_source, doc_published): batch by batch
        from one query, never the whole result at once."""
        where, params = self._event_filter(**(filters or {}))
        cur = self.con.execute(
            f"SELECT ev.*, d.title AS doc_title, d.source AS doc_source, d.published AS doc_published "
            f"FROM (SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE {where}) ev "
            f"LEFT JOIN documents d ON d.doc_id = ev.doc_id ORDER BY {', '.join('ev.' + k for k in ORDER_KEYS)}"
            .replace("ev.date,", "ev.date NULLS LAST,"), params)
        names = [d[0] for d in cur.description]
        while rows := cur.fetchmany(batch):
            yield [self._decoded(dict(zip(names, row, strict=True))) for row in rows]

    @staticmethod
    def _decoded(row: dict[str, Any]) -> dict[str, Any]:
        for key in ("source", "target", "location"):
            row[key] = json.loads(row[key]) if row[key] is not None else None
        return row

    def event(self, event_id: str) -> dict[str, Any] | None:
        rows = self.query(f"{SELECT_EVENTS} WHERE event_id = ?", [event_id])
        return self._decoded(rows[0]) if rows else None

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document with its metadata, text, warnings and events (in text order)."""
        rows = self.query("SELECT doc_id, title, source, url, published, author, dateline, origin, "
                          "text, warnings FROM documents WHERE doc_id = ?", [doc_id])
        if not rows:
            return None
        doc = rows[0]
        doc["warnings"] = json.loads(doc["warnings"]) if doc["warnings"] else []
        doc["events"] = [self._decoded(r) for r in self.query(
            f"{SELECT_EVENTS} WHERE doc_id = ? ORDER BY sentence_start, "
            "trigger_start", [doc_id])]
        return doc

    def summary(self) -> dict[str, Any]:
        """What the store holds: documents, events by type and by month, their date span and
        the countries most involved."""
        docs = self.query("SELECT count(*) AS n, count(published) AS dated FROM documents")[0]
        if self.aggregated:
            span = self.query("SELECT first, last, n, stories FROM agg_span")[0]
            by_type = self.query("SELECT event_type, quad_class, n FROM agg_types ORDER BY 3 DESC, 1")
            by_month = self.query("SELECT month, n FROM agg_months ORDER BY 1")
            countries = self.query("SELECT country, n FROM agg_countries ORDER BY 2 DESC, 1 LIMIT 20")
        else:
            span = self.query("SELECT min(date) AS first, max(date) AS last, count(*) AS n, "
                              "count(DISTINCT story_id) AS stories FROM events")[0]
            by_type = self.query("SELECT event_type, any_value(quad_class) AS quad_class, count(*) AS n "
                                 "FROM events GROUP BY 1 ORDER BY 3 DESC, 1")
            # a date known to the year only ("the 1930s" -> 1930) has no month to count in
            by_month = self.query("SELECT substr(date, 1, 7) AS month, count(*) AS n FROM events "
                                  "WHERE length(date) >= 7 GROUP BY 1 ORDER BY 1")
            countries = self.query(
                "SELECT country, count(*) AS n FROM (SELECT event_id, unnest(list_distinct("
                "list_concat(source_countries, target_countries))) AS country FROM events) "
                "WHERE country IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20")
        return {"documents": docs["n"], "documents_dated": docs["dated"], "events": span["n"],
                "stories": span["stories"], "first_date": span["first"], "last_date": span["last"],
                "by_type": by_type, "by_month": by_month, "countries": countries}

    def actor_counts(self, limit: int = 50) -> list[dict[str, Any]]:
        """Resolved actors by how often they are mentioned, with their surface forms."""
        source = "SELECT * FROM agg_actor_mentions" if self.aggregated else _ACTOR_COUNTS
        return self.query(f"{source} ORDER BY mentions DESC, actor_id LIMIT ?", [limit])

    def documents(self) -> list[dict[str, Any]]:
        return self.query("SELECT doc_id, title, source, url, published, author, dateline, origin, "
                          "text FROM documents ORDER BY origin")

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        if not self._load_fts():
            raise RuntimeError("full-text search extension (duckdb-extension-fts) is not installed")
        # (with what the page's result list shows: where and when, and how many events)
        return self.query(
            "SELECT h.doc_id, h.title, h.source, h.published, h.origin, h.score, "
            "(SELECT count(*) FROM events e WHERE e.doc_id = h.doc_id) AS events FROM ("
            "SELECT doc_id, title, source, published, origin, fts_main_documents.match_bm25(doc_id, ?) AS score "
            "FROM documents) h WHERE h.score IS NOT NULL ORDER BY h.score DESC LIMIT ?",
            [text, limit])

    # ---- the analyst's workbench: aggregations in SQL, so they stay fast on a large store ----
    def _filtered(self, filters: dict[str, Any] | None) -> tuple[str, list[Any]]:
        """`ev AS (...)`: the events matching `filters` (Store.events' keywords), the CTE the
        workbench's queries start from: rows of event_keys while it is current (no JSON to
        read), else of events."""
        if self.aggregated:
            where, params = self._event_filter(**(filters or {}), columns=_KEY_COLUMNS)
            return f"ev AS (SELECT * FROM event_keys WHERE {where})", params
        where, params = self._event_filter(**(filters or {}))
        return f"ev AS (SELECT * FROM events WHERE {where})", params

    def _sides(self) -> str:
        """`sides AS (...)`: one row per (event, side, actor) of the events in `ev`."""
        if self.aggregated:  # only resolved actors: every query on sides wants an actor id
            return "sides AS (SELECT * FROM event_actors WHERE event_id IN (SELECT event_id FROM ev))"
        return _SIDES

    def _events_by_id(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Whole events by id, in the order of `ids` (a page found in a narrow table)."""
        if not ids:
            return []
        rows = {r["event_id"]: r for r in self.query(
            f"{SELECT_EVENTS} WHERE event_id IN ({', '.join('?' * len(ids))})", list(ids))}
        return [self._decoded(dict(rows[i])) for i in ids]

    def actor_summary(self, actor_id: str) -> dict[str, Any] | None:
        """An actor's usual name, country and sector (as most events give them), or None when
        no event and no person has that id."""
        if self.aggregated:
            rows = self.query("SELECT name, country, sector, events FROM agg_actors WHERE actor_id = ?",
                              [actor_id]) or [{"name": None, "country": None, "sector": None, "events": 0}]
        else:
            rows = self.query(
                f"WITH ev AS (SELECT source, target, event_id FROM events WHERE {_HAS_SOURCE} OR {_HAS_TARGET}), "
                f"{_SIDES} SELECT mode(name) AS name, mode(country) AS country, mode(sector) AS sector, "
                "count(DISTINCT event_id) AS events FROM sides WHERE actor_id = ?", [actor_id] * 3)
        person = self.query("SELECT name FROM people WHERE actor_id = ?", [actor_id])
        found = rows[0]
        if not found["events"] and not person:
            return None
        if person:
            found["name"] = person[0]["name"]
        return {"actor_id": actor_id, **found}

    def actor_profile(self, actor_id: str, limit: int = 50, offset: int = 0) -> dict[str, Any] | None:
        """One actor: its aliases (a person's known names) and the words the texts used for
        it, its roles (a person's dated roles) and the country and sector events gave it over
        time, its events by month and quad class, its top partners and a page of its events."""
        head = self.actor_summary(actor_id)
        if head is None:
            return None
        person = self.query("SELECT aliases, roles FROM people WHERE actor_id = ?", [actor_id])
        head["person"] = bool(person)
        head["aliases"] = json.loads(person[0]["aliases"]) if person else []
        roles = json.loads(person[0]["roles"]) if person else []
        head["roles"] = sorted(roles, key=lambda r: r.get("valid_from") or "")
        if self.aggregated:
            # the actor's own rows of event_actors (stored by actor: a few row groups)
            mine, sides, args = "ev AS (SELECT * FROM event_actors WHERE actor_id = ?)", "", [actor_id]
            month_events = "count(DISTINCT event_id)"
        else:
            mine, sides = f"ev AS (SELECT * FROM events WHERE {_HAS_SOURCE} OR {_HAS_TARGET})", f", {_SIDES}"
            args, month_events = [actor_id] * 2, "count(*)"
        rows = "ev" if self.aggregated else "sides"
        head["forms"] = self.query(
            f"WITH {mine}{sides} SELECT text, count(*) AS n FROM {rows} WHERE actor_id = ? "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50", args + [actor_id])
        # the role each event gave it: a person's country and sector as of the event's date
        joined = "ev" if self.aggregated else "sides JOIN ev USING (event_id)"
        head["observed_roles"] = self.query(
            f"WITH {mine}{sides} SELECT country, sector, min(date) AS first, max(date) AS last, "
            f"count(DISTINCT event_id) AS n FROM {joined} WHERE actor_id = ? "
            "GROUP BY 1, 2 ORDER BY first NULLS LAST, n DESC, 1, 2", args + [actor_id])
        head["by_month"] = self.query(
            f"WITH {mine} SELECT substr(date, 1, 7) AS month, quad_class, {month_events} AS n FROM ev "
            "WHERE length(date) >= 7 GROUP BY 1, 2 ORDER BY 1, 2", args)
        if self.aggregated:
            counts = self.query("SELECT as_source, as_target FROM agg_actors WHERE actor_id = ?", [actor_id])
            head["as_source"], head["as_target"] = (counts[0]["as_source"], counts[0]["as_target"]) if counts else (0, 0)
            head["partners"] = self.query(
                "SELECT partner AS actor_id, name, acts_on, acted_on_by, n, intensity FROM agg_partners "
                "WHERE actor_id = ? ORDER BY n DESC, 1 LIMIT 20", [actor_id])
            page = self.query(
                "SELECT event_id FROM (SELECT DISTINCT event_id, date, doc_id, sentence_start FROM event_actors "
                "WHERE actor_id = ?) ORDER BY date DESC NULLS LAST, doc_id, sentence_start, event_id "
                f"LIMIT {int(limit)} OFFSET {int(offset)}", [actor_id])
            head["total"] = head.pop("events")
            head["events"] = self._events_by_id([r["event_id"] for r in page])
            return head
        head["as_source"], head["as_target"] = self.con.execute(
            f"SELECT count(*) FILTER (WHERE {_HAS_SOURCE}), count(*) FILTER (WHERE {_HAS_TARGET}) "
            "FROM events", [actor_id] * 2).fetchone() or (0, 0)
        head["partners"] = self.query(
            f"WITH {mine}, {_SIDES}, me AS (SELECT DISTINCT event_id, side FROM sides WHERE actor_id = ?), "
            "other AS (SELECT DISTINCT event_id, side, actor_id, name FROM sides "
            "WHERE actor_id IS NOT NULL AND actor_id <> ?) "
            "SELECT other.actor_id, mode(other.name) AS name, "
            "count(DISTINCT event_id) FILTER (WHERE me.side = 'source') AS acts_on, "
            "count(DISTINCT event_id) FILTER (WHERE me.side = 'target') AS acted_on_by, "
            "count(DISTINCT event_id) AS n, avg(ev.intensity) AS intensity "
            "FROM me JOIN other USING (event_id) JOIN ev USING (event_id) WHERE me.side <> other.side "
            "GROUP BY 1 ORDER BY n DESC, 1 LIMIT 20", [actor_id] * 4)
        head["total"] = head.pop("events")
        head["events"] = [self._decoded(r) for r in self.query(
            f"{SELECT_EVENTS} WHERE {_HAS_SOURCE} OR {_HAS_TARGET} "
            f"ORDER BY date DESC NULLS LAST, doc_id, sentence_start, event_id LIMIT {int(limit)} OFFSET {int(offset)}",
            [actor_id] * 2)]
        return head

    def dyad(self, a: str, b: str, unit: str = "month", since: str | None = None,
             until: str | None = None, limit: int = 100) -> dict[str, Any] | None:
        """Two actors' events on each other, both directions (a on b, b on a): per month (or
        year), how many, their mean and summed intensity and their quad classes; None when
        either actor is unknown."""
        actors = [self.actor_summary(a), self.actor_summary(b)]
        if actors[0] is None or actors[1] is None:
            return None
        where, params = self._event_filter(since=since, until=until)
        width = 7 if unit == "month" else 4
        if self.aggregated:
            # the two actors' rows of event_actors, read once: each direction is the events
            # with one actor as a source and the other as a target
            one_way = ("SELECT DISTINCT ? AS direction, event_id, date, doc_id, sentence_start, intensity, quad_class "
                       f"FROM event_actors WHERE actor_id = ? AND side = 'source' AND {where} AND event_id IN "
                       "(SELECT event_id FROM event_actors WHERE actor_id = ? AND side = 'target')")
            rows = self.query(f"{one_way} UNION ALL {one_way}",
                              ["a_to_b", a] + params + [b, "b_to_a", b] + params + [a])
            series, totals = _dyad_figures(rows, width)
            rows.sort(key=lambda r: (r["date"] is None, _descending(r["date"]), r["doc_id"], r["sentence_start"],
                                     r["event_id"], r["direction"]))
            page = rows[:limit]
            events = [{"direction": r["direction"], **e}
                      for r, e in zip(page, self._events_by_id([r["event_id"] for r in page]), strict=True)]
            return {"a": actors[0], "b": actors[1], "unit": unit, "series": series, "totals": totals,
                    "events": events}
        directed = (f"ev AS (SELECT * FROM events WHERE {where}), "
                    f"d AS (SELECT 'a_to_b' AS direction, * FROM ev WHERE {_HAS_SOURCE} AND {_HAS_TARGET} "
                    f"UNION ALL SELECT 'b_to_a' AS direction, * FROM ev WHERE {_HAS_SOURCE} AND {_HAS_TARGET})")
        args = params + [a, b, b, a]
        series = self.query(
            f"WITH {directed} SELECT direction, substr(date, 1, {width}) AS period, count(*) AS n, "
            f"avg(intensity) AS mean_intensity, sum(intensity) AS total_intensity, {_QUAD_COUNTS} "
            f"FROM d WHERE length(date) >= {width} GROUP BY 1, 2 ORDER BY 2, 1", args)
        totals = self.query(
            f"WITH {directed} SELECT direction, count(*) AS n, count(*) FILTER (WHERE length(date) < {width} "
            f"OR date IS NULL) AS undated, avg(intensity) AS mean_intensity, {_QUAD_COUNTS} "
            "FROM d GROUP BY 1 ORDER BY 1", args)
        events = [self._decoded(e) for e in self.query(
            f"WITH {directed} SELECT direction, * EXCLUDE (direction, source_countries, target_countries) "
            f"FROM d ORDER BY date DESC NULLS LAST, doc_id, sentence_start, event_id, direction LIMIT {int(limit)}",
            args)]
        return {"a": actors[0], "b": actors[1], "unit": unit, "series": series, "totals": totals,
                "events": events}

    def network(self, filters: dict[str, Any] | None = None, limit: int = 150,
                min_events: int = 1) -> dict[str, Any]:
        """Who acts on whom: one edge per (source actor, target actor) with how many of the
        filtered events join them, their mean intensity and commonest quad class; the
        `limit` heaviest edges and the actors they join."""
        if self.aggregated and not any((filters or {}).values()):
            edges = self.query(
                f"SELECT source, target, n, intensity, quad_class, {', '.join(QUAD_CLASSES)} FROM agg_edges "
                "WHERE n >= ? ORDER BY n DESC, 1, 2 LIMIT ?", [min_events, limit])
            ids = sorted({e["source"] for e in edges} | {e["target"] for e in edges})
            nodes = self.query(
                "SELECT actor_id, name, country, sector, events FROM agg_actors WHERE list_contains(?, actor_id) "
                "ORDER BY events DESC, 1", [ids]) if ids else []
            return {"nodes": nodes, "edges": edges}
        ev, params = self._filtered(filters)
        sides = self._sides()
        edges = self.query(
            f"WITH {ev}, {sides}, "
            "s AS (SELECT DISTINCT event_id, actor_id FROM sides WHERE side = 'source' AND actor_id IS NOT NULL), "
            "t AS (SELECT DISTINCT event_id, actor_id FROM sides WHERE side = 'target' AND actor_id IS NOT NULL) "
            "SELECT s.actor_id AS source, t.actor_id AS target, count(*) AS n, avg(ev.intensity) AS intensity, "
            f"{_QUAD_MODE} AS quad_class, {_QUAD_COUNTS} FROM s JOIN t USING (event_id) "
            "JOIN ev USING (event_id) WHERE s.actor_id <> t.actor_id GROUP BY 1, 2 HAVING count(*) >= ? "
            "ORDER BY n DESC, 1, 2 LIMIT ?", params + [min_events, limit])
        ids = sorted({e["source"] for e in edges} | {e["target"] for e in edges})
        nodes = self.query(
            f"WITH {ev}, {sides} SELECT actor_id, mode(name) AS name, mode(country) AS country, "
            "mode(sector) AS sector, count(DISTINCT event_id) AS events FROM sides "
            "WHERE list_contains(?, actor_id) GROUP BY 1 ORDER BY events DESC, 1", params + [ids]) if ids else []
        return {"nodes": nodes, "edges": edges}

    def map_bins(self, filters: dict[str, Any] | None = None, cell: float = 1.0) -> dict[str, Any]:
        """Located events binned on a grid of `cell` degrees: each bin's mean position, count
        by quad class and commonest places; and the places with most events."""
        if self.aggregated and not any((filters or {}).values()):
            # agg_places counts events per (place, position, quad class): weights, not rows
            g = "g AS (SELECT *, floor(lat / ?) AS gy, floor(lon / ?) AS gx FROM agg_places)"
            bins = self.query(
                f"WITH {g}, named AS (SELECT gy, gx, place, sum(n) AS n FROM g GROUP BY ALL), "
                "top AS (SELECT gy, gx, list({'name': place, 'n': n} ORDER BY n DESC, place)[1:5] AS places "
                "FROM named GROUP BY ALL) "
                f"SELECT sum(lat * n) / sum(n) AS lat, sum(lon * n) / sum(n) AS lon, sum(n)::BIGINT AS n, "
                f"{_QUAD_SUMS}, any_value(top.places) AS places "
                "FROM g JOIN top USING (gy, gx) GROUP BY gy, gx ORDER BY n DESC, lat, lon", [cell, cell])
            places = self.query(
                f"SELECT place, any_value(lat) AS lat, any_value(lon) AS lon, sum(n)::BIGINT AS n, {_QUAD_SUMS} "
                "FROM agg_places GROUP BY place ORDER BY n DESC, place LIMIT 50")
            counts = self.query("SELECT n AS events, located FROM agg_span")[0]
            return {"cell": cell, **counts, "bins": bins, "places": places}
        ev, params = self._filtered(filters)
        if self.aggregated:
            points = "p AS (SELECT quad_class, place, lat, lon FROM ev WHERE located)"
            located = "count(*) FILTER (WHERE located)"
        else:
            points = ("p AS (SELECT quad_class, json_extract_string(location, '$.name') AS place, "
                      "TRY_CAST(json_extract_string(location, '$.lat') AS DOUBLE) AS lat, "
                      "TRY_CAST(json_extract_string(location, '$.lon') AS DOUBLE) AS lon "
                      "FROM ev WHERE location IS NOT NULL)")
            located = "count(location)"
        located_cte = (f"{ev}, {points}, "
                       "g AS (SELECT *, floor(lat / ?) AS gy, floor(lon / ?) AS gx FROM p "
                       "WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180)")
        bins = self.query(
            f"WITH {located_cte}, named AS (SELECT gy, gx, place, count(*) AS n FROM g GROUP BY ALL), "
            "top AS (SELECT gy, gx, list({'name': place, 'n': n} ORDER BY n DESC, place)[1:5] AS places "
            "FROM named GROUP BY ALL) "
            f"SELECT avg(lat) AS lat, avg(lon) AS lon, count(*) AS n, {_QUAD_COUNTS}, any_value(top.places) AS places "
            "FROM g JOIN top USING (gy, gx) GROUP BY gy, gx ORDER BY n DESC, lat, lon",
            params + [cell, cell])
        places = self.query(
            f"WITH {located_cte} SELECT place, any_value(lat) AS lat, any_value(lon) AS lon, count(*) AS n, "
            f"{_QUAD_COUNTS} FROM g GROUP BY place ORDER BY n DESC, place LIMIT 50", params + [cell, cell])
        counts = self.query(f"WITH {ev} SELECT count(*) AS events, {located} AS located FROM ev", params)[0]
        return {"cell": cell, **counts, "bins": bins, "places": places}

    def stories(self, filters: dict[str, Any] | None = None, limit: int = 50, offset: int = 0,
                sort: str = "articles") -> dict[str, Any]:
        """Stories (every report of one event) with an event matching the filters: how many
        articles, named sources and events, their time span, types and lead title (the
        document of its first event)."""
        order = {"articles": "num_articles DESC, last_date DESC NULLS LAST",
                 "date": "last_date DESC NULLS LAST, num_articles DESC",
                 "events": "events DESC, num_articles DESC"}[sort]
        page = f"ORDER BY {order}, story_id LIMIT {int(limit)} OFFSET {int(offset)}"
        if self.aggregated and not any((filters or {}).values()):
            total = self.query("SELECT count(*) AS n FROM agg_stories")[0]["n"]
            rows = self.query(f"SELECT * FROM agg_stories {page}")
        else:
            ev, params = self._filtered(filters)
            total = self.query(f"WITH {ev} SELECT count(DISTINCT story_id) AS n FROM ev", params)[0]["n"]
            rows = self.query(
                f"WITH {ev}, s AS ({_STORY_ROW} FROM ev WHERE story_id IS NOT NULL GROUP BY 1 {page}) "
                "SELECT s.* EXCLUDE (lead), e.sentence, e.doc_id AS lead_doc FROM s "
                f"JOIN events e ON e.event_id = s.lead ORDER BY {order}, story_id", params)
        titles = {d["doc_id"]: d["title"] for d in self.query(
            "SELECT doc_id, title FROM documents WHERE list_contains(?, doc_id)",
            [[r["lead_doc"] for r in rows]])} if rows else {}
        for row in rows:
            row["title"] = titles.get(row.pop("lead_doc"))
        return {"total": total, "offset": offset, "limit": limit, "stories": rows}

    def story(self, story_id: str) -> dict[str, Any] | None:
        """One story: its articles (documents), their named sources, its events and its time
        span (events' dates and articles' publication dates)."""
        events = [self._decoded(r) for r in self.query(
            f"{SELECT_EVENTS} WHERE story_id = ? ORDER BY date NULLS LAST, doc_id, sentence_start", [story_id])]
        if not events:
            return None
        documents = self.query(
            "SELECT d.doc_id, d.title, d.source, d.url, d.published, d.origin, count(*) AS events "
            "FROM events e JOIN documents d USING (doc_id) WHERE e.story_id = ? "
            "GROUP BY ALL ORDER BY d.published NULLS LAST, d.doc_id", [story_id])
        for doc in documents:  # the file name, never the server's folders
            doc["origin"] = re.split(r"[\\/]", doc["origin"] or "")[-1]
        sources = self.query(
            "SELECT d.source, count(DISTINCT d.doc_id) AS articles FROM events e JOIN documents d "
            "USING (doc_id) WHERE e.story_id = ? AND d.source IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1",
            [story_id])
        dates = [e["date"] for e in events if e["date"]]
        published = [d["published"] for d in documents if d["published"]]
        return {"story_id": story_id, "num_articles": max(e["num_articles"] or 0 for e in events),
                "num_sources": max(e["num_sources"] or 0 for e in events),
                "first_date": min(dates, default=None), "last_date": max(dates, default=None),
                "first_published": min(published, default=None), "last_published": max(published, default=None),
                "documents": documents, "sources": sources, "events": events}
