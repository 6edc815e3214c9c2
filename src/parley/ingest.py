"""Ingest: turn paths (files or folders) into raw `Document`s.

Bad input never stops a batch: each problem becomes an `IngestProblem` with a one-line
message, and the remaining files are still read.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from parley.model import Document, content_hash

SUPPORTED_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html",
                      ".jsonl": "jsonl", ".ndjson": "jsonl", ".rss": "feed", ".atom": "feed",
                      ".xml": "feed"}
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# An archived page is read whole after decompression: a record gzip-encoded 1:100,000 would
# otherwise fill the memory. No news page comes near this.
MAX_PAGE_BYTES = 32 * 1024 * 1024
JSONL_METADATA_FIELDS = ("title", "url", "published", "source", "author")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class IngestProblem:
    origin: str
    message: str
    fatal: bool = True  # False: the document was still read (e.g. with a decoding fallback)

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


SURROGATES = re.compile("[\ud800-\udfff]")


def display_name(path: Path | str) -> str:
    """A path as text that can always be stored and printed (bytes of a file name that are
    not UTF-8 become U+FFFD)."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def without_surrogates(text: str) -> tuple[str, bool]:
    """Lone UTF-16 surrogates (JSON allows "\\ud800") cannot be stored: U+FFFD instead."""
    replaced = SURROGATES.sub("\ufffd", text)
    return replaced, replaced != text


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode bytes as UTF-8 (or UTF-16 with its byte-order mark). A few bad bytes in
    otherwise UTF-8 text become U+FFFD; text that is not UTF-8 at all falls back to cp1252
    then latin-1. Say whenever it was not clean UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith(UTF16_BOMS):
        text = data.decode("utf-16", "replace")
        return text, ("UTF-16 with bad code units, replaced by U+FFFD" if "\ufffd" in text else None)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        first_bad = err.start
    replaced = data.decode("utf-8", "replace")
    bad = replaced.count("\ufffd")
    multibyte = sum(1 for ch in replaced if ord(ch) > 127) - bad
    if multibyte >= 10 * bad:  # UTF-8 with a few stray bytes, not another encoding
        return replaced, (f"{bad} byte(s) not valid UTF-8 (first at offset {first_bad}); "
                          "replaced by U+FFFD")
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), (
                f"not valid UTF-8 (first bad byte at offset {first_bad}); decoded as {encoding}"
            )
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def looks_binary(data: bytes) -> bool:
    """NUL bytes or a high share of control characters mean this is not text (UTF-16 with a
    byte-order mark is text)."""
    sample = data[:4096]
    if not sample or sample.startswith(UTF16_BOMS):
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.10


def _not_regular(path: Path) -> IngestProblem | None:
    """Only regular files are read: a named pipe or device would block or never end."""
    try:
        mode = path.stat().st_mode
    except OSError as err:
        return IngestProblem(display_name(path), f"cannot read file ({err.strerror or err})")
    if not stat.S_ISREG(mode):
        return IngestProblem(display_name(path), "not a regular file (a pipe, socket or device); skipped")
    return None


def _walk(folder: Path) -> Iterator[tuple[Path | None, IngestProblem | None]]:
    """A folder's files, sorted, recursively. Hidden entries are left out; symbolic links to
    folders are not followed (they loop, or leave the folder) and unreadable folders are
    reported, not skipped in silence."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield None, IngestProblem(display_name(folder), f"cannot read folder ({err.strerror or err})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        elif entry.is_symlink() and entry.is_dir():
            yield None, IngestProblem(display_name(path), "symbolic link to a folder; not followed")
        else:
            problem = _not_regular(path)
            yield (None, problem) if problem else (path, None)


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path | None, IngestProblem | None]]:
    """Expand folders (recursively, sorted) into files; report paths that do not exist or
    cannot be read as files."""
    for raw_path in paths:
        path = Path(raw_path)
        if not path.exists():
            yield None, IngestProblem(display_name(path), "no such file or directory")
        elif path.is_dir():
            found = False
            for item in _walk(path):
                found = found or item[0] is not None
                yield item
            if not found:
                yield None, IngestProblem(display_name(path), "folder contains no files")
        else:
            problem = _not_regular(path)
            yield (None, problem) if problem else (path, None)


def detect_format(path: Path, text: str) -> str:
    head = text.lstrip()[:500].lower()
    if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return "feed"
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt:
        return fmt
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head:
        return "html"
    return "txt"


def _markup_format(body: str) -> str:
    return "html" if re.search(r"<(?:p|div|br|html|body|article|span|a)\b", body[:2000], re.I) else "txt"


def read_feed(path: Path, text: str, warnings: list[str]) -> tuple[list[Document], list[IngestProblem]]:
    """An RSS or Atom feed: one document per entry, from its full content where the feed
    carries it (content:encoded, Atom content), else its summary. Entries' links are not
    fetched: Parley reads only what it is given."""
    import feedparser

    # bytes, never the string: feedparser opens a string that looks like a path or URL
    # (a feed whose content is "/etc/passwd" read that file; an address made a request)
    feed = feedparser.parse(io.BytesIO(text.encode("utf-8")))
    if feed.bozo and not feed.entries:
        reason = getattr(feed.get("bozo_exception"), "args", [""])[0] or "not a feed"
        return [], [IngestProblem(display_name(path), f"unreadable feed ({reason})")]
    docs: list[Document] = []
    problems: list[IngestProblem] = []
    feed_title = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        origin = f"{display_name(path)}#entry{number}"
        contents = [c.get("value", "") for c in entry.get("content", [])]
        body = max(contents, key=len) if contents else entry.get("summary", "")
        if not body.strip():
            problems.append(IngestProblem(origin, "feed entry has no text"))
            continue
        doc = _document(origin, body, _markup_format(body), warnings)
        doc.title = entry.get("title") or None
        doc.url = entry.get("link") or None
        doc.author = entry.get("author") or None
        doc.source = feed_title or None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        doc.published = time.strftime("%Y-%m-%d", stamp) if stamp else (entry.get("published") or None)
        docs.append(doc)
    if not docs and not problems:
        problems.append(IngestProblem(display_name(path), "feed has no entries"))
    return docs, problems


def split_items(items: Iterable[Document | IngestProblem]) -> tuple[list[Document], list[IngestProblem]]:
    docs: list[Document] = []
    problems: list[IngestProblem] = []
    for item in items:
        if isinstance(item, Document):
            docs.append(item)
        else:
            problems.append(item)
    return docs, problems


def iter_warc(path: Path, stream: BinaryIO) -> Iterator[Document | IngestProblem]:
    """A web archive (WARC or ARC, gzipped or not), read record by record from a stream, so
    that an archive of any size is never held whole: one document per archived HTML or text
    page (HTTP responses with status 200, and resource records). The crawl date is not the
    publication date: that is read from the page."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages = 0
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    end = 0  # where the last whole record ended: bytes after it are a record cut short
    try:
        records = ArchiveIterator(stream, arc2warc=True)
        for number, record in enumerate(records, start=1):
            if record.rec_type not in ("response", "resource"):
                end = records.get_record_offset() + records.get_record_length()
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            origin = f"{display_name(path)}#{uri or number}"
            if record.http_headers is not None:
                status = record.http_headers.get_statuscode()
                if status != "200":
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
            else:
                content_type = record.rec_headers.get_header("Content-Type") or ""
            if not content_type.startswith(("text/html", "application/xhtml", "text/plain")):
                continue
            pages += 1
            data = record.content_stream().read(MAX_PAGE_BYTES + 1)
            if len(data) > MAX_PAGE_BYTES:
                yield IngestProblem(origin, f"page larger than {MAX_PAGE_BYTES // 2**20} MB once "
                                            "decompressed; skipped")
                end = records.get_record_offset() + records.get_record_length()  # (streams the rest)
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than the record declares
                yield IngestProblem(origin, "page cut short (the archive is truncated); skipped")
                continue
            end = records.get_record_offset() + records.get_record_length()
            if not data.strip():
                yield IngestProblem(origin, "empty page")
                continue
            charset = re.search(r"charset=([\w-]+)", content_type)
            try:
                body, fallback = (data.decode(charset.group(1)), None) if charset else decode_bytes(data)
            except (LookupError, UnicodeDecodeError):
                body, fallback = decode_bytes(data)
            if fallback:
                yield IngestProblem(origin, fallback, fatal=False)
            doc = _document(origin, body, "txt" if content_type.startswith("text/plain") else "html",
                            [fallback] if fallback else [])
            doc.url = uri or None
            yield doc
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error, AttributeError) as err:
        # (a truncated or corrupt archive fails where it breaks; what came before is kept;
        # warcio meets a header cut short with an AttributeError)
        yield IngestProblem(display_name(path), f"unreadable web archive ({type(err).__name__}: {err})")
        return
    if size - end > 4:  # more than the final blank line: the archive ends inside a record
        yield IngestProblem(display_name(path), f"web archive cut short: its last {size - end} bytes "
                                                "are not a whole record")
        return
    if not pages:
        yield IngestProblem(display_name(path), "web archive holds no HTML or text pages")


def _document(origin: str, raw: str, fmt: str, warnings: list[str]) -> Document:
    return Document(doc_id=content_hash(raw), origin=origin, raw=raw, fmt=fmt,
                    warnings=list(warnings))


def _json_int(digits: str) -> int | str:
    """Integers past Python's conversion limit (4,300 digits) stay strings, not errors."""
    return int(digits) if len(digits) < 4000 else digits


def jsonl_record(origin: str, line: str, warnings: list[str]) -> Document | IngestProblem | None:
    """One JSONL line as a document, a problem, or None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line, parse_int=_json_int)
    except json.JSONDecodeError as err:
        return IngestProblem(origin, f"invalid JSON ({err.msg})")
    except RecursionError:
        return IngestProblem(origin, "invalid JSON (nested too deeply)")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return IngestProblem(origin, "record has no string 'text' field")
    body, replaced = without_surrogates(record["text"])
    if not body.strip():
        return IngestProblem(origin, "empty document")
    fmt = "html" if body.lstrip()[:200].lower().startswith(("<!doctype", "<html")) else "txt"
    doc = _document(origin, body, fmt, warnings)
    if record.get("id") is not None:
        doc.origin = f"{origin} (id {without_surrogates(str(record['id']))[0][:200]})"
    for key in JSONL_METADATA_FIELDS:
        value = record.get(key)
        if value is not None and str(value).strip():
            clean, bad = without_surrogates(str(value).strip())
            setattr(doc, key, clean)
            replaced = replaced or bad
    if replaced:
        doc.warnings.append("lone UTF-16 surrogates replaced by U+FFFD")
    return doc


def read_jsonl(path: Path, text: str, warnings: list[str]) -> tuple[list[Document], list[IngestProblem]]:
    # records end at "\n" only: str.splitlines() would also cut at U+2028 or NEL inside a string
    return split_items(item for line_no, line in enumerate(text.split("\n"), start=1)
                       if (item := jsonl_record(f"{display_name(path)}#{line_no}", line, warnings)) is not None)


def iter_jsonl_file(path: Path, stream: BinaryIO) -> Iterator[Document | IngestProblem]:
    """A JSON-lines file read line by line, so that a file of any size streams through; each
    line is decoded on its own, so one bad byte costs one record a fallback, not the file."""
    empty = True
    for line_no, raw in enumerate(stream, start=1):
        if line_no == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        empty = False
        origin = f"{display_name(path)}#{line_no}"
        line, fallback = decode_bytes(raw)
        if fallback:
            yield IngestProblem(origin, fallback, fatal=False)
        item = jsonl_record(origin, line.rstrip("\r\n"), [fallback] if fallback else [])
        if item is not None:
            yield item
    if empty:
        yield IngestProblem(display_name(path), "empty document")


def read_path(path: Path) -> tuple[list[Document], list[IngestProblem]]:
    """Read one file into zero or more documents, with the problems met."""
    return split_items(iter_path(path))


def iter_path(path: Path) -> Iterator[Document | IngestProblem]:
    """One file's problems and documents, a web archive's page by page."""
    try:
        if path.name.lower().endswith(WARC_SUFFIXES):
            with path.open("rb") as stream:  # binary, often large: streamed, never read whole
                yield from iter_warc(path, stream)
            return
        if SUPPORTED_SUFFIXES.get(path.suffix.lower()) == "jsonl":
            with path.open("rb") as stream:  # line by line (UTF-16 and binary files: below)
                head = stream.read(4096)
                if not head.startswith(UTF16_BOMS) and not looks_binary(head):
                    stream.seek(0)
                    yield from iter_jsonl_file(path, stream)
                    return
        data = path.read_bytes()
    except OSError as err:
        yield IngestProblem(display_name(path), f"cannot read file ({err.strerror or err})")
        return
    docs, problems = read_data(path, data)
    yield from problems
    yield from docs


def read_data(path: Path, data: bytes) -> tuple[list[Document], list[IngestProblem]]:
    """The documents in one file's bytes (read here, or handed over by a Spark worker)."""
    if path.name.lower().endswith(WARC_SUFFIXES):
        return split_items(iter_warc(path, io.BytesIO(data)))
    name = display_name(path)
    if not data.strip():
        return [], [IngestProblem(name, "empty document")]
    if looks_binary(data):
        return [], [IngestProblem(name, "binary file, not text; skipped")]
    text, fallback = decode_bytes(data)
    warnings = [fallback] if fallback else []
    problems = [IngestProblem(name, fallback, fatal=False)] if fallback else []
    fmt = detect_format(path, text)
    if fmt == "jsonl":
        docs, jsonl_problems = read_jsonl(path, text, warnings)
        return docs, problems + jsonl_problems
    if fmt == "feed":
        docs, feed_problems = read_feed(path, text, warnings)
        return docs, problems + feed_problems
    return [_document(name, text, fmt, warnings)], problems


def iter_documents(paths: Iterable[str | Path]) -> Iterator[Document | IngestProblem]:
    """Every document under the paths, unique by content, and every problem met, file by file
    (a web archive page by page): a corpus of any size streams through."""
    seen: set[str] = set()
    for path, problem in iter_files(paths):
        if problem:
            yield problem
            continue
        assert path is not None
        for item in iter_path(path):
            if isinstance(item, Document):
                if item.doc_id in seen:
                    continue
                seen.add(item.doc_id)
            yield item


def ingest_paths(paths: Iterable[str | Path]) -> tuple[list[Document], list[IngestProblem]]:
    """Read every path; return the documents (unique by content) and every problem met."""
    return split_items(iter_documents(paths))
