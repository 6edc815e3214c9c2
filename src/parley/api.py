"""The web API and UI over a Parley store (FastAPI): `parley serve`.

Read-only JSON endpoints under /api (the same Store queries the CLI uses) and the single-page
front end from `web/`, every asset served locally (no CDN: the UI works offline).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles

from parley.export import event_record, flat_columns, flatten
from parley.model import PLOVER_TYPES
from parley.store import DATE_FILTER, EVENT_SORTS, QUAD_CLASSES, Store, StoreBusy, _connect, is_date_filter

# the front end lives at the repository root (`web/`); $PARLEY_WEB_DIR points elsewhere
WEB_DIR = Path(os.environ.get("PARLEY_WEB_DIR", Path(__file__).resolve().parents[2] / "web"))
DATE_PATTERN = f"^{DATE_FILTER.pattern}$"
MAX_PAGE = 500
MAX_OFFSET = 2**62  # DuckDB takes 64-bit offsets; a larger one is a bad request, not a crash
SWAGGER_UI = "swagger-ui-dist-5.35.0"  # vendored from npm into web/vendor/
BUSY_WAIT = 5.0  # seconds a request waits for a run that is writing the database
# seconds the store stays open after the last request ends: requests in quick succession
# share a warm connection (its cache and indexes), and a run can open the store that long
# after the server goes quiet (`parley run --wait 1` always gets in between requests)
KEEP_OPEN = 0.5
EXPORT_BATCH = 2000  # events formatted per chunk of a streamed export

DateParam = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD")]
SORT_PATTERN = f"^-?({'|'.join(EVENT_SORTS)})$"
MAX_EDGES = 1000


class Readers:
    """One read-only DuckDB connection shared by the requests in flight, each reading
    through its own cursor (DuckDB runs them in parallel; one connection object is not
    shared across threads). The connection opens with the first request and closes
    `keep_open` seconds after the last one ends, so a run can take the store between bursts
    of requests, and the next request sees what it wrote."""

    def __init__(self, path: Path, keep_open: float) -> None:
        self.path, self.keep_open = path, keep_open
        self.lock = threading.Lock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.aggregated: bool | None = None
        self.users = 0
        self.idle_since = 0  # which idle spell a pending close belongs to

    @contextmanager
    def store(self) -> Iterator[Store]:
        with self.lock:
            if self.con is None:
                try:
                    self.con = _connect(str(self.path), True, BUSY_WAIT)
                except StoreBusy as err:
                    raise HTTPException(503, str(err), headers={"Retry-After": "5"}) from None
                # nothing writes while the store is open here: read once per opening
                self.aggregated = Store.over(self.con, self.path).aggregated
            self.users += 1
            self.idle_since += 1
            cursor = self.con.cursor()
            aggregated = self.aggregated
        try:
            yield Store.over(cursor, self.path, aggregated)
        finally:
            cursor.close()
            with self.lock:
                self.users -= 1
                if self.users == 0:
                    if self.keep_open <= 0:
                        self._close()
                    else:
                        timer = threading.Timer(self.keep_open, self._close_if_idle, [self.idle_since])
                        timer.daemon = True
                        timer.start()

    def _close_if_idle(self, spell: int) -> None:
        with self.lock:
            if self.users == 0 and self.idle_since == spell:
                self._close()

    def _close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def close(self) -> None:
        with self.lock:
            self._close()


def found_or_404(found: dict[str, Any] | None, message: str) -> dict[str, Any]:
    if found is None:
        raise HTTPException(404, message)
    return found


def event_filters(
    type: Annotated[list[str] | None, Query(description="PLOVER event type; repeat it for several (any of them)")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,5}$")] = None,
    actor: str | None = None,
    q: Annotated[str | None, Query(description="words in the sentence")] = None,
    since: DateParam = None,
    until: DateParam = None,
    story: Annotated[str | None, Query(description="a story id: every report of one event")] = None,
    quad: Annotated[list[str] | None, Query(description="quad class; repeat it for several (any of them)")] = None,
    place: Annotated[str | None, Query(description="a location's name, whole (e.g. Tbilisi)")] = None,
) -> dict[str, Any]:
    """The filters the event list, the download, the map, the network and the story list
    share, as Store.events takes them."""
    for event_type in type or []:
        if event_type.upper() not in PLOVER_TYPES:
            raise HTTPException(422, f"unknown event type {event_type!r}; one of {', '.join(PLOVER_TYPES)}")
    for quad_class in quad or []:
        if quad_class.lower() not in QUAD_CLASSES:
            raise HTTPException(422, f"unknown quad class {quad_class!r}; one of {', '.join(QUAD_CLASSES)}")
    check_dates(since, until)
    return {"event_type": type, "country": country, "actor": actor, "since": since,
            "until": until, "text": q, "story": story, "quad_class": quad, "place": place}


def check_dates(since: str | None, until: str | None) -> None:
    """A since/until that matches the pattern but names no day (2023-02-29) is a 422 too."""
    for name, value in (("since", since), ("until", until)):
        if value and not is_date_filter(value):
            raise HTTPException(422, f"{name}={value!r} is no calendar date")


EventFilters = Annotated[dict[str, Any], Depends(event_filters)]


def create_app(db: str | Path, web_dir: Path = WEB_DIR, keep_open: float | None = None) -> FastAPI:
    """An app serving one store, read-only. Requests in flight share one connection, each
    on its own cursor (Readers), open from the first request until `keep_open` seconds
    (default KEEP_OPEN) after the last, so `parley run` can write between requests and the
    next request sees its events; while a run is writing, a request waits up to BUSY_WAIT
    seconds, then gets a 503."""
    path = Path(db)
    if not path.exists():
        raise FileNotFoundError(f"no such database: {path}")
    if not (web_dir / "index.html").exists():
        raise FileNotFoundError(f"front end not found in {web_dir} (set PARLEY_WEB_DIR)")
    Store(path, read_only=True, wait=BUSY_WAIT).close()  # fails now, not at the first request
    readers = Readers(path, KEEP_OPEN if keep_open is None else keep_open)
    # the API docs page is served from web/vendor (swagger-ui-dist from npm), not a CDN
    app = FastAPI(title="Parley", description="Political event data (PLOVER) from news text.",
                  docs_url=None, redoc_url=None)

    @app.get("/docs", include_in_schema=False)
    def swagger_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Parley API",
                                   swagger_js_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui-bundle.js",
                                   swagger_css_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui.css",
                                   swagger_favicon_url=f"/static/vendor/{SWAGGER_UI}/favicon-32x32.png")

    reading = readers.store
    app.state.readers = readers

    @app.get("/api/summary")
    def summary() -> dict[str, Any]:
        """Documents, events by type and month, date span, countries most involved."""
        with reading() as s:
            return s.summary()

    @app.get("/api/events")
    def events(filters: EventFilters, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
               offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
               sort: Annotated[str | None, Query(pattern=SORT_PATTERN, description=(
                   "order by date, type, intensity, source, target, place or articles; "
                   "'-' first for descending"))] = None,
               after: Annotated[str | None, Query(max_length=2000, description=(
                   "the `next` cursor of the page before: the page after it (with the same "
                   "filters and sort), however deep; offset counts from there"))] = None) -> dict[str, Any]:
        """One page of events matching every filter, with the total that match and `next`,
        the cursor of the page after it (null on the last page)."""
        with reading() as s:
            total = s.count_events(**filters)
            try:
                rows, cursor = s.event_page(filters, limit=limit, offset=offset, sort=sort, after=after)
            except ValueError as err:
                raise HTTPException(422, f"after: {err}") from None
        return {"total": total, "offset": offset, "limit": limit, "events": rows, "next": cursor}

    @app.get("/api/export")
    def export(filters: EventFilters,
               format: Annotated[str, Query(pattern="^(csv|jsonl)$")] = "csv") -> StreamingResponse:
        """Every event matching the filters, as a CSV (flattened) or JSON-lines download,
        streamed as it is read: other requests keep being answered meanwhile."""
        media = "text/csv" if format == "csv" else "application/x-ndjson"
        return StreamingResponse(export_chunks(filters, format), media_type=f"{media}; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="parley-events.{format}"'})

    def export_chunks(filters: dict[str, Any], format: str) -> Iterator[bytes]:
        """The export's text a batch of events at a time, from one query on the request's
        own cursor (held until the last batch, or until the client goes away)."""
        with reading() as s:
            if format == "csv":
                header = io.StringIO()
                csv.DictWriter(header, fieldnames=flat_columns()).writeheader()
                yield header.getvalue().encode()
            for rows in s.export_rows(filters, EXPORT_BATCH):
                buffer = io.StringIO()
                records = []
                for row in rows:
                    record = event_record(row)
                    record.update(doc_title=row["doc_title"], doc_source=row["doc_source"],
                                  doc_published=row["doc_published"])
                    records.append(record)
                if format == "jsonl":
                    buffer.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
                else:
                    csv.DictWriter(buffer, fieldnames=flat_columns()).writerows(flatten(r) for r in records)
                yield buffer.getvalue().encode()

    @app.get("/api/events/{event_id}")
    def event(event_id: str) -> dict[str, Any]:
        with reading() as s:
            return found_or_404(s.event(event_id), f"no event {event_id!r}")

    @app.get("/api/documents/{doc_id}")
    def document(doc_id: str) -> dict[str, Any]:
        """A document's metadata, cleaned text and events (with offsets into the text)."""
        with reading() as s:
            return found_or_404(s.document(doc_id), f"no document {doc_id!r}")

    @app.get("/api/actors")
    def actors(limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50) -> list[dict[str, Any]]:
        with reading() as s:
            return s.actor_counts(limit)

    @app.get("/api/actors/{actor_id:path}")
    def actor(actor_id: str, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
              offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
        """One actor (an id as events give it: GEO, ARM:MIL, person:sergey-lavrov): aliases
        and the words used for it, roles over time, events by month, top partners and one
        page of its events (latest first)."""
        with reading() as s:
            profile = s.actor_profile(actor_id, limit=limit, offset=offset)
        found = found_or_404(profile, f"no actor {actor_id!r}")
        found.update(offset=offset, limit=limit)
        return found

    @app.get("/api/dyad")
    def dyad(a: Annotated[str, Query(min_length=1, description="an actor id")],
             b: Annotated[str, Query(min_length=1, description="another actor id")],
             unit: Annotated[str, Query(pattern="^(month|year)$")] = "month",
             since: DateParam = None, until: DateParam = None,
             limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> dict[str, Any]:
        """Two actors' events on each other, both directions, per month or year: counts,
        mean and summed intensity (-10 conflict .. +10 cooperation) and quad classes."""
        if a == b:
            raise HTTPException(422, "a and b must be two different actors")
        check_dates(since, until)
        with reading() as s:
            for actor_id in (a, b):
                found_or_404(s.actor_summary(actor_id), f"no actor {actor_id!r}")
            found = s.dyad(a, b, unit=unit, since=since, until=until, limit=limit)
        return found_or_404(found, f"no actor {a!r} or {b!r}")

    @app.get("/api/network")
    def network(filters: EventFilters,
                limit: Annotated[int, Query(ge=1, le=MAX_EDGES, description="the heaviest edges kept")] = 150,
                min_events: Annotated[int, Query(alias="min", ge=1, le=MAX_OFFSET,
                                                 description="fewest events an edge needs")] = 1,
                ) -> dict[str, Any]:
        """Who acts on whom among the filtered events: actors (nodes) and source-to-target
        edges weighted by how many events join them."""
        with reading() as s:
            return s.network(filters, limit=limit, min_events=min_events)

    @app.get("/api/map")
    def map_points(filters: EventFilters,
                   cell: Annotated[float, Query(ge=0.01, le=90, description="bin size in degrees")] = 1.0,
                   ) -> dict[str, Any]:
        """The filtered events' locations binned on a grid: each bin's position, counts by
        quad class and commonest places; the places with most events."""
        with reading() as s:
            return s.map_bins(filters, cell=cell)

    @app.get("/api/stories")
    def stories(filters: EventFilters, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
                offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                sort: Annotated[str, Query(pattern="^(articles|date|events)$")] = "articles") -> dict[str, Any]:
        """Stories (every report of one event) with an event matching the filters: articles,
        named sources, events, time span; one page, with the total."""
        with reading() as s:
            return s.stories(filters, limit=limit, offset=offset, sort=sort)

    @app.get("/api/stories/{story_id}")
    def story(story_id: str) -> dict[str, Any]:
        """One story: its articles, their sources, its events and its time span."""
        with reading() as s:
            return found_or_404(s.story(story_id), f"no story {story_id!r}")

    @app.get("/api/search")
    def search(q: Annotated[str, Query(min_length=1)],
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20) -> list[dict[str, Any]]:
        """Documents by BM25 relevance to the words given."""
        if not re.search(r"\w", q):
            raise HTTPException(422, "search needs at least one word")
        with reading() as s:
            try:
                return s.search(q, limit)
            except RuntimeError as err:
                raise HTTPException(503, str(err)) from err

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(web_dir / "index.html")

    app.mount("/static", StaticFiles(directory=web_dir), name="static")
    return app
