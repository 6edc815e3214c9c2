"""The web API and UI over a Parley store (FastAPI): `parley serve`.

Read-only JSON endpoints under /api (the same Store queries the CLI uses) and the single-page
front end from `web/`, every asset served locally (no CDN: the UI works offline).
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from parley.export import event_records, write_text_records
from parley.model import PLOVER_TYPES
from parley.store import DATE_FILTER, EVENT_SORTS, QUAD_CLASSES, Store, StoreBusy, is_date_filter

# the front end lives at the repository root (`web/`); $PARLEY_WEB_DIR points elsewhere
WEB_DIR = Path(os.environ.get("PARLEY_WEB_DIR", Path(__file__).resolve().parents[2] / "web"))
DATE_PATTERN = f"^{DATE_FILTER.pattern}$"
MAX_PAGE = 500
MAX_OFFSET = 2**62  # DuckDB takes 64-bit offsets; a larger one is a bad request, not a crash
SWAGGER_UI = "swagger-ui-dist-5.35.0"  # vendored from npm into web/vendor/
BUSY_WAIT = 5.0  # seconds a request waits for a run that is writing the database

DateParam = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD")]
SORT_PATTERN = f"^-?({'|'.join(EVENT_SORTS)})$"
MAX_EDGES = 1000


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


def create_app(db: str | Path, web_dir: Path = WEB_DIR) -> FastAPI:
    """An app serving one store. Each request opens the database read-only and closes it
    after, so `parley run` can write between requests and the next request sees its events;
    while a run is writing, a request waits up to BUSY_WAIT seconds, then gets a 503. DuckDB
    connections are not shared across threads, so requests take turns."""
    path = Path(db)
    if not path.exists():
        raise FileNotFoundError(f"no such database: {path}")
    if not (web_dir / "index.html").exists():
        raise FileNotFoundError(f"front end not found in {web_dir} (set PARLEY_WEB_DIR)")
    Store(path, read_only=True, wait=BUSY_WAIT).close()  # fails now, not at the first request
    lock = threading.Lock()
    # the API docs page is served from web/vendor (swagger-ui-dist from npm), not a CDN
    app = FastAPI(title="Parley", description="Political event data (PLOVER) from news text.",
                  docs_url=None, redoc_url=None)

    @app.get("/docs", include_in_schema=False)
    def swagger_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Parley API",
                                   swagger_js_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui-bundle.js",
                                   swagger_css_url=f"/static/vendor/{SWAGGER_UI}/swagger-ui.css",
                                   swagger_favicon_url=f"/static/vendor/{SWAGGER_UI}/favicon-32x32.png")

    @contextmanager
    def reading() -> Iterator[Store]:
        with lock:
            try:
                store = Store(path, read_only=True, wait=BUSY_WAIT)
            except StoreBusy as err:
                raise HTTPException(503, str(err), headers={"Retry-After": "5"}) from None
            try:
                yield store
            finally:
                store.close()

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
                   "'-' first for descending"))] = None) -> dict[str, Any]:
        """One page of events matching every filter, with the total that match."""
        with reading() as s:
            total = s.count_events(**filters)
            rows = s.events(**filters, limit=limit, offset=offset, sort=sort)
        return {"total": total, "offset": offset, "limit": limit, "events": rows}

    @app.get("/api/export")
    def export(filters: EventFilters,
               format: Annotated[str, Query(pattern="^(csv|jsonl)$")] = "csv") -> Response:
        """Every event matching the filters, as a CSV (flattened) or JSON-lines download."""
        with reading() as s:
            records = event_records(s, **filters)
        buffer = io.StringIO()
        write_text_records(records, buffer, format)
        media = "text/csv" if format == "csv" else "application/x-ndjson"
        return Response(buffer.getvalue(), media_type=f"{media}; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="parley-events.{format}"'})

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
