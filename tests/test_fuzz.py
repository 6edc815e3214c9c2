"""A bounded fuzz of the stages that meet raw input (issue 17): whatever bytes a file holds,
ingest, the cleaner and the per-document pipeline end with documents or one-line problems,
never an exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.clean import clean_document
from parley.ingest import IngestProblem, read_data
from parley.model import Document

SUFFIXES = ["a.txt", "a.html", "a.jsonl", "a.rss", "a.warc", "a.warc.gz", "a.xml", "a"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text that looks like what files hold: words, markup, JSON punctuation, odd code points
pieces = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["<p>", "</p>", "<html><body>", '{"text": "', '"}', "\n", "\r\n", "\u2028", "\ud800",
                     "Police arrested two men in Tbilisi.", "WARC/1.0\r\n", "<rss><channel><item>", "\x00",
                     "\ufeff", "\u200b", "[" * 5000]),
)
texts = st.lists(pieces, max_size=30).map("".join)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SUFFIXES), data=st.one_of(st.binary(max_size=2000), texts.map(_bytes)))
def test_ingest_never_raises(name, data):
    from pathlib import Path

    docs, problems = read_data(Path(name), data)
    for doc in docs:
        doc.raw.encode("utf-8")  # storable
    assert all(isinstance(p, IngestProblem) and p.message for p in problems)


@FUZZ
@given(raw=texts, fmt=st.sampled_from(["txt", "html"]))
def test_the_cleaner_never_raises(raw, fmt):
    doc = clean_document(Document(doc_id="x", origin="fuzz", raw=raw.encode("utf-8", "replace").decode("utf-8"),
                                  fmt=fmt))
    assert isinstance(doc.text, str)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=texts)
def test_the_pipeline_never_raises_on_a_document(raw):
    from parley.actors import ActorRegistry, load_knowledge
    from parley.pipeline import process_documents

    doc = Document(doc_id="x", origin="fuzz", raw=raw.encode("utf-8", "replace").decode("utf-8"), fmt="txt")
    process_documents([doc], ActorRegistry(load_knowledge()), classifier=False)
    json.dumps([e.to_dict() for e in doc.events])
