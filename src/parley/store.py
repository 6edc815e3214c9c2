"""Store: the embedded DuckDB database (documents, events, actors, quotes) with full-text
search over document text (the fts extension, loaded from its PyPI package: no network)."""

from __future__ import annotations

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


def _like_escaped(words: str) -> str:
    return words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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

    def save_batch(self, docs: Iterable[Document], people: Iterable[Person]) -> None:
        """A coded batch and the people (roles) learned so far, in one transaction: a run
        killed while saving loses the whole batch or nothing, and a resumed run recodes it
        exactly as an uninterrupted run would."""
        with self.transaction():
            for doc in docs:
                self._write_document(doc, coded=True)
            self._write_people(people)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories', 'stale')")

    def stories_current(self) -> bool:
        """Whether story ids and the search index were rebuilt after the last batch saved."""
        row = self.con.execute("SELECT value FROM meta WHERE key = 'stories'").fetchone()
        return row is not None and row[0] == "current"

    def mark_stories_current(self) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stories', 'current')")

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
                      place: str | None = None) -> tuple[str, list[Any]]:
        """SQL conditions for the filters. `actor` and `text` are plain words, never patterns:
        "%" and "_" match themselves. `actor` looks in each actor's text, name and id
        ("ISR:GOV"), not in the JSON the lists are stored as. Several types (or quad classes):
        any of them. `place` is a location's name, whole."""
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
            where.append("json_extract_string(location, '$.name') = ?")
            params.append(place)
        if actor:
            where.append(f"(lower({_ACTOR_FIELDS.format(column='source')}) LIKE ? ESCAPE '\\' OR "
                         f"lower({_ACTOR_FIELDS.format(column='target')}) LIKE ? ESCAPE '\\')")
            params += [f"%{_like_escaped(actor.lower())}%"] * 2
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
            where.append("lower(sentence) LIKE ? ESCAPE '\\'")
            params.append(f"%{_like_escaped(text.lower())}%")
        if story:
            where.append("story_id = ?")
            params.append(story)
        return " AND ".join(where), params

    def events(self, event_type: str | Sequence[str] | None = None, actor: str | None = None,
               country: str | None = None, since: str | None = None, until: str | None = None,
               limit: int | None = None, offset: int = 0, text: str | None = None,
               story: str | None = None, quad_class: str | Sequence[str] | None = None,
               place: str | None = None, sort: str | None = None) -> list[dict[str, Any]]:
        """Events matching every filter given, by date (undated last), then document order;
        `sort` (a key of EVENT_SORTS, "-" first for descending) puts another order first."""
        where, params = self._event_filter(event_type, actor, country, since, until, text, story,
                                           quad_class, place)
        order = "date NULLS LAST, doc_id, sentence_start"
        if sort:
            key = EVENT_SORTS[sort.lstrip("-")]  # a KeyError for an unknown key: never raw SQL
            order = f"{key} {'DESC' if sort.startswith('-') else 'ASC'} NULLS LAST, {order}"
        sql = f"{SELECT_EVENTS} WHERE {where} ORDER BY {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f" OFFSET {int(offset)}"
        return [self._decoded(row) for row in self.query(sql, params)]

    def count_events(self, event_type: str | Sequence[str] | None = None, actor: str | None = None,
                     country: str | None = None, since: str | None = None, until: str | None = None,
                     text: str | None = None, story: str | None = None,
                     quad_class: str | Sequence[str] | None = None, place: str | None = None) -> int:
        where, params = self._event_filter(event_type, actor, country, since, until, text, story,
                                           quad_class, place)
        return int(self.query(f"SELECT count(*) AS n FROM events WHERE {where}", params)[0]["n"])

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
        return self.query(
            "SELECT actor_id, any_value(country) AS country, any_value(sector) AS sector, "
            "count(*) AS mentions, count(DISTINCT doc_id) AS docs, "
            "string_agg(DISTINCT text, ' | ') AS forms FROM mentions WHERE actor_id IS NOT NULL "
            "GROUP BY actor_id ORDER BY mentions DESC, actor_id LIMIT ?", [limit])

    def documents(self) -> list[dict[str, Any]]:
        return self.query("SELECT doc_id, title, source, url, published, author, dateline, origin, "
                          "text FROM documents ORDER BY origin")

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        if not self._load_fts():
            raise RuntimeError("full-text search extension (duckdb-extension-fts) is not installed")
        return self.query(
            "SELECT doc_id, title, score FROM (SELECT *, fts_main_documents.match_bm25(doc_id, ?) "
            "AS score FROM documents) WHERE score IS NOT NULL ORDER BY score DESC LIMIT ?",
            [text, limit])

    # ---- the analyst's workbench: aggregations in SQL, so they stay fast on a large store ----
    def _filtered(self, filters: dict[str, Any] | None) -> tuple[str, list[Any]]:
        """`ev AS (...)`: the events matching `filters` (Store.events' keywords), the CTE the
        workbench's queries start from."""
        where, params = self._event_filter(**(filters or {}))
        return f"ev AS (SELECT * FROM events WHERE {where})", params

    def actor_summary(self, actor_id: str) -> dict[str, Any] | None:
        """An actor's usual name, country and sector (as most events give them), or None when
        no event and no person has that id."""
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
        mine = f"ev AS (SELECT * FROM events WHERE {_HAS_SOURCE} OR {_HAS_TARGET})"
        head["forms"] = self.query(
            f"WITH {mine}, {_SIDES} SELECT text, count(*) AS n FROM sides WHERE actor_id = ? "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50", [actor_id] * 3)
        # the role each event gave it: a person's country and sector as of the event's date
        head["observed_roles"] = self.query(
            f"WITH {mine}, {_SIDES} SELECT country, sector, min(date) AS first, max(date) AS last, "
            "count(DISTINCT event_id) AS n FROM sides JOIN ev USING (event_id) WHERE actor_id = ? "
            "GROUP BY 1, 2 ORDER BY first NULLS LAST, n DESC", [actor_id] * 3)
        head["by_month"] = self.query(
            f"WITH {mine} SELECT substr(date, 1, 7) AS month, quad_class, count(*) AS n FROM ev "
            "WHERE length(date) >= 7 GROUP BY 1, 2 ORDER BY 1, 2", [actor_id] * 2)
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
            f"ORDER BY date DESC NULLS LAST, doc_id, sentence_start LIMIT {int(limit)} OFFSET {int(offset)}",
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
        events = self.query(
            f"WITH {directed} SELECT direction, * EXCLUDE (direction, source_countries, target_countries) "
            f"FROM d ORDER BY date DESC NULLS LAST, doc_id, sentence_start LIMIT {int(limit)}", args)
        return {"a": actors[0], "b": actors[1], "unit": unit, "series": series, "totals": totals,
                "events": [self._decoded(e) for e in events]}

    def network(self, filters: dict[str, Any] | None = None, limit: int = 150,
                min_events: int = 1) -> dict[str, Any]:
        """Who acts on whom: one edge per (source actor, target actor) with how many of the
        filtered events join them, their mean intensity and commonest quad class; the
        `limit` heaviest edges and the actors they join."""
        ev, params = self._filtered(filters)
        edges = self.query(
            f"WITH {ev}, {_SIDES}, "
            "s AS (SELECT DISTINCT event_id, actor_id FROM sides WHERE side = 'source' AND actor_id IS NOT NULL), "
            "t AS (SELECT DISTINCT event_id, actor_id FROM sides WHERE side = 'target' AND actor_id IS NOT NULL) "
            "SELECT s.actor_id AS source, t.actor_id AS target, count(*) AS n, avg(ev.intensity) AS intensity, "
            f"mode(ev.quad_class) AS quad_class, {_QUAD_COUNTS} FROM s JOIN t USING (event_id) "
            "JOIN ev USING (event_id) WHERE s.actor_id <> t.actor_id GROUP BY 1, 2 HAVING count(*) >= ? "
            "ORDER BY n DESC, 1, 2 LIMIT ?", params + [min_events, limit])
        ids = sorted({e["source"] for e in edges} | {e["target"] for e in edges})
        nodes = self.query(
            f"WITH {ev}, {_SIDES} SELECT actor_id, mode(name) AS name, mode(country) AS country, "
            "mode(sector) AS sector, count(DISTINCT event_id) AS events FROM sides "
            "WHERE list_contains(?, actor_id) GROUP BY 1 ORDER BY events DESC, 1", params + [ids]) if ids else []
        return {"nodes": nodes, "edges": edges}

    def map_bins(self, filters: dict[str, Any] | None = None, cell: float = 1.0) -> dict[str, Any]:
        """Located events binned on a grid of `cell` degrees: each bin's mean position, count
        by quad class and commonest places; and the places with most events."""
        ev, params = self._filtered(filters)
        located = (f"{ev}, p AS (SELECT quad_class, json_extract_string(location, '$.name') AS place, "
                   "TRY_CAST(json_extract_string(location, '$.lat') AS DOUBLE) AS lat, "
                   "TRY_CAST(json_extract_string(location, '$.lon') AS DOUBLE) AS lon "
                   "FROM ev WHERE location IS NOT NULL), "
                   "g AS (SELECT *, floor(lat / ?) AS gy, floor(lon / ?) AS gx FROM p "
                   "WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180)")
        bins = self.query(
            f"WITH {located}, named AS (SELECT gy, gx, place, count(*) AS n FROM g GROUP BY ALL), "
            "top AS (SELECT gy, gx, list({'name': place, 'n': n} ORDER BY n DESC, place)[1:5] AS places "
            "FROM named GROUP BY ALL) "
            f"SELECT avg(lat) AS lat, avg(lon) AS lon, count(*) AS n, {_QUAD_COUNTS}, any_value(top.places) AS places "
            "FROM g JOIN top USING (gy, gx) GROUP BY gy, gx ORDER BY n DESC, lat, lon",
            params + [cell, cell])
        places = self.query(
            f"WITH {located} SELECT place, any_value(lat) AS lat, any_value(lon) AS lon, count(*) AS n, "
            f"{_QUAD_COUNTS} FROM g GROUP BY place ORDER BY n DESC, place LIMIT 50", params + [cell, cell])
        counts = self.query(f"WITH {ev} SELECT count(*) AS events, count(location) AS located FROM ev", params)[0]
        return {"cell": cell, **counts, "bins": bins, "places": places}

    def stories(self, filters: dict[str, Any] | None = None, limit: int = 50, offset: int = 0,
                sort: str = "articles") -> dict[str, Any]:
        """Stories (every report of one event) with an event matching the filters: how many
        articles, named sources and events, their time span, types and lead title."""
        ev, params = self._filtered(filters)
        order = {"articles": "num_articles DESC, last_date DESC NULLS LAST",
                 "date": "last_date DESC NULLS LAST, num_articles DESC",
                 "events": "events DESC, num_articles DESC"}[sort]
        total = self.query(f"WITH {ev} SELECT count(DISTINCT story_id) AS n FROM ev", params)[0]["n"]
        rows = self.query(
            f"WITH {ev} SELECT story_id, count(*) AS events, max(num_articles) AS num_articles, "
            "max(num_sources) AS num_sources, count(DISTINCT doc_id) AS documents, min(date) AS first_date, "
            "max(date) AS last_date, list(DISTINCT event_type ORDER BY event_type) AS types, "
            "mode(quad_class) AS quad_class, arg_min(sentence, coalesce(date, '9999')) AS sentence, "
            "arg_min(doc_id, coalesce(date, '9999')) AS lead_doc FROM ev WHERE story_id IS NOT NULL "
            f"GROUP BY 1 ORDER BY {order}, story_id LIMIT {int(limit)} OFFSET {int(offset)}", params)
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
