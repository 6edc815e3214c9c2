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
