"""Export events (and documents) as JSONL, CSV or Parquet.

JSONL keeps the nested schema (one event per line); CSV and Parquet flatten source/target
into `source_countries`, `source_actors`, ... columns and location into `location_*`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TextIO

from parley.store import EVENT_COLUMNS, Store

FORMATS = ("jsonl", "csv", "parquet")
ACTOR_FIELDS = ("text", "actor_id", "name", "country", "sector")


def event_record(row: dict[str, Any]) -> dict[str, Any]:
    """An event row in the export schema (column order as documented)."""
    return {col: row.get(col) for col in EVENT_COLUMNS}


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if key in ("source", "target"):
            for field in ACTOR_FIELDS:
                flat[f"{key}_{field}"] = "; ".join(str(a.get(field) or "") for a in value or [])
        elif key == "location":
            for field in ("name", "country", "lat", "lon", "geonames_id"):
                flat[f"location_{field}"] = (value or {}).get(field)
        else:
            flat[key] = value
    return flat


DOC_FIELDS = ("doc_title", "doc_source", "doc_published")
# Column types of the flat export (every other column is text): an export has the same
# columns and types whether it holds no events, some, or columns that happen to be all empty.
FLAT_TYPES = {"intensity": "float64", "confidence": "float64", "location_lat": "float64",
              "location_lon": "float64", "negated": "bool_", "future": "bool_", "hypothetical": "bool_",
              "historical": "bool_", "date_inferred": "bool_", "location_geonames_id": "int64",
              "sentence_start": "int64", "sentence_end": "int64", "trigger_start": "int64",
              "trigger_depth": "int64", "num_articles": "int64", "num_sources": "int64"}


def flat_columns() -> list[str]:
    """The columns of a CSV or Parquet export, in order."""
    return list(flatten({**{c: None for c in EVENT_COLUMNS}, **{f: None for f in DOC_FIELDS}}))


def flat_schema() -> Any:
    import pyarrow as pa

    return pa.schema([(c, getattr(pa, FLAT_TYPES.get(c, "string"))()) for c in flat_columns()])


def flat_table(records: list[dict[str, Any]]) -> Any:
    """Events in the export schema as the Arrow table a Parquet export holds (the Spark job
    writes its Parquet through this too: same columns, same types)."""
    import pyarrow as pa

    return pa.Table.from_pylist([flatten(r) for r in records], schema=flat_schema())


def event_records(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """Events matching the filters in the export schema, with their document's title,
    source and publication date."""
    records = [event_record(r) for r in store.events(**filters)]
    docs = {d["doc_id"]: d for d in store.query("SELECT doc_id, title, source, published FROM documents")}
    for record in records:
        doc = docs.get(record["doc_id"], {})
        record["doc_title"] = doc.get("title")
        record["doc_source"] = doc.get("source")
        record["doc_published"] = doc.get("published")
    return records


def write_text_records(records: list[dict[str, Any]], fh: TextIO, fmt: str) -> None:
    """JSON lines (nested) or CSV (flattened) to an open text file."""
    if fmt == "jsonl":
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    flat = [flatten(r) for r in records]
    writer = csv.DictWriter(fh, fieldnames=flat_columns())
    writer.writeheader()
    writer.writerows(flat)


def export_events(store: Store, out: Path, fmt: str, **filters: Any) -> int:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    records = event_records(store, **filters)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(flat_table(records), out)
    else:
        with out.open("w", encoding="utf-8", newline="") as fh:
            write_text_records(records, fh, fmt)
    return len(records)


def export_documents(store: Store, out: Path) -> int:
    docs = store.documents()
    with out.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps({k: doc[k] for k in ("doc_id", "title", "source", "url",
                                                     "published", "text")}, ensure_ascii=False) + "\n")
    return len(docs)
