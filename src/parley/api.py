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
from parley.store import DATE_FILTER, Store, StoreBusy, is_date_filter

# the front end lives at the repository root (`web/`); $PARLEY_WEB_DIR points elsewhere
WEB_DIR = Path(os.environ.get("PARLEY_WEB_DIR", Path(__file__).resolve().parents[2] / "web"))
DATE_PATTERN = f"^{DATE_FILTER.pattern}$"
MAX_PAGE = 500
MAX_OFFSET = 2**62  # DuckDB takes 64-bit offsets; a larger one is a bad request, not a crash
SWAGGER_UI = "swagger-ui-dist-5.35.0"  # vendored from npm into web/vendor/
BUSY_WAIT = 5.0  # seconds a request waits for a run that is writing the database

DateParam = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD")]


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
) -> dict[str, Any]:
    """The filters the event list and the download share, as Store.events takes them."""
    for event_type in type or []:
        if event_type.upper() not in PLOVER_TYPES:
            raise HTTPException(422, f"unknown event type {event_type!r}; one of {', '.join(PLOVER_TYPES)}")
    for name, value in (("since", since), ("until", until)):
        if value and not is_date_filter(value):
            raise HTTPException(422, f"{name}={value!r} is no calendar date")
    return {"event_type": type, "country": country, "actor": actor, "since": since,
            "until": until, "text": q, "story": story}


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
               offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
        """One page of events matching every filter, with the total that match."""
        with reading() as s:
            total = s.count_events(**filters)
            rows = s.events(**filters, limit=limit, offset=offset)
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
