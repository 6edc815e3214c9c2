from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def needs_shared(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not available")


@pytest.fixture(scope="session")
def registry():
    from parley.actors import ActorRegistry, load_knowledge

    return ActorRegistry(load_knowledge())


@pytest.fixture(scope="session")
def nlp():
    from parley.nlp import load_nlp

    return load_nlp()


@pytest.fixture()
def code_text(registry):
    """Run clean-free pipeline stages on one text and return its events."""
    from parley.actors import ActorRegistry, load_knowledge
    from parley.model import Document, content_hash
    from parley.pipeline import process_documents

    def run(text: str, published: str | None = "2024-05-15"):
        doc = Document(doc_id=content_hash(text), origin="test", raw=text, fmt="txt",
                       published=published)
        process_documents([doc], ActorRegistry(load_knowledge()))
        return doc

    return run


@pytest.fixture(autouse=True, scope="session")
def _no_trained_model():
    """Tests see the rules alone unless they build a model: a model trained on this machine
    must not change what the tests observe."""
    import os

    from parley.events.classifier import default_classifier

    os.environ["PARLEY_NO_MODEL"] = "1"
    default_classifier.cache_clear()
    yield


ARTICLES = [
    ("TBILISI, Georgia (Reuters) - Russia accused Georgia of shelling Tskhinvali on Tuesday. "
     "Georgian officials rejected the claim.", "2008-08-07"),
    ("GENEVA (AP) - Russian and Georgian envoys met in Geneva on Wednesday to discuss security "
     "in the Caucasus. NATO urged Russia to withdraw its troops from Georgia.", "2008-12-17"),
    ("Turkish troops attacked Kurdish militants near the Iraqi border.", None),
]


def write_articles(path: Path) -> None:
    """ARTICLES as a JSONL file, with titles and publication dates."""
    import json

    # the third carries a hostile link: the page must never make it clickable
    urls = ["https://example.org/tbilisi", None, "javascript:alert(document.domain)"]
    # ... and no title: the page must not show the server's file path instead
    rows = [{"text": text, "title": f"Article {i}" if i < 3 else None, "published": published, "url": url}
            for i, ((text, published), url) in enumerate(zip(ARTICLES, urls, strict=True), start=1)]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")


@pytest.fixture(scope="session")
def coded_store(tmp_path_factory):
    """A store holding three small articles of our own, coded by the full pipeline."""
    from parley.ingest import ingest_paths
    from parley.pipeline import process_documents, refresh_stories
    from parley.store import Store

    folder = tmp_path_factory.mktemp("articles")
    write_articles(folder / "articles.jsonl")
    docs, problems = ingest_paths([folder])
    assert not problems
    process_documents(docs, classifier=False)
    path = folder / "parley.duckdb"
    with Store(path) as store:
        for doc in docs:
            store.save_document(doc)
        refresh_stories(store)
        store.build_search_index()
    return path
