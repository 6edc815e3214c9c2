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
from parley.model import Document, Event

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

    def _write_document(self, doc: Document, coded: bool) -> None:
        con = self.con
        for table in ("events", "quotes", "mentions"):
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc.doc_id])
        con.execute("DELETE FROM documents WHERE doc_id = ?", [doc.doc_id])
        con.execute(
            "INSERT INTO documents (doc_id, origin, fmt, title, source, url, author, published,"
            " dateline, text, warnings, coded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [doc.doc_id, doc.origin, doc.fmt, doc.title, doc.source, doc.url, doc.author,
             doc.published, doc.dateline, doc.text, json.dumps(doc.warnings), coded])
        if doc.events:
            con.executemany(
                f"INSERT INTO events ({', '.join(EVENT_COLUMNS[:12])}, source_countries, "
                f"target_countries, {', '.join(EVENT_COLUMNS[12:])}) VALUES "
                f"({', '.join('?' * (len(EVENT_COLUMNS) + 2))})",
                [self._event_row(e) for e in doc.events])
        if doc.quotes:
            con.executemany("INSERT INTO quotes VALUES (?,?,?,?)", [
                [doc.doc_id, q.sentence_index, json.dumps(q.speaker.to_dict() if q.speaker else None),
                 q.text] for q in doc.quotes])
        if doc.mentions:
            con.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?)", [
                [doc.doc_id, m.text, m.start, m.end, m.label,
                 m.actor.actor_id if m.actor else None, m.actor.country if m.actor else None,
                 m.actor.sector if m.actor else None] for m in doc.mentions])

    @staticmethod
    def _event_row(e: Event) -> list[Any]:
        d = e.to_dict()
        row = [d[c] for c in EVENT_COLUMNS[:10]]
        row += [json.dumps(d["source"]), json.dumps(d["target"]),
                sorted({a["country"] for a in d["source"] if a["country"]}),
                sorted({a["country"] for a in d["target"] if a["country"]})]
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
            self.con.execute("INSERT INTO people VALUES (?,?,?,?)", [
                person.actor_id, person.name, json.dumps(person.aliases),
                json.dumps([asdict(r) for r in person.roles])])

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
                      text: str | None = None, story: str | None = None) -> tuple[str, list[Any]]:
        """SQL conditions for the filters. `actor` and `text` are plain words, never patterns:
        "%" and "_" match themselves. `actor` looks in each actor's text, name and id
        ("ISR:GOV"), not in the JSON the lists are stored as. Several types: any of them."""
        where, params = ["1=1"], []
        types = [event_type] if isinstance(event_type, str) else list(event_type or [])
        if types:
            where.append(f"event_type IN ({', '.join('?' * len(types))})")
            params += [t.upper() for t in types]
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
               story: str | None = None) -> list[dict[str, Any]]:
        """Events matching every filter given, by date (undated last), then document order."""
        where, params = self._event_filter(event_type, actor, country, since, until, text, story)
        sql = (f"{SELECT_EVENTS} WHERE {where} "
               "ORDER BY date NULLS LAST, doc_id, sentence_start")
        if limit:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += f" OFFSET {int(offset)}"
        return [self._decoded(row) for row in self.query(sql, params)]

    def count_events(self, event_type: str | Sequence[str] | None = None, actor: str | None = None,
                     country: str | None = None, since: str | None = None, until: str | None = None,
                     text: str | None = None, story: str | None = None) -> int:
        where, params = self._event_filter(event_type, actor, country, since, until, text, story)
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
