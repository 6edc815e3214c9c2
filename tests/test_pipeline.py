"""The run loop: a run killed at any point and run again stores exactly what one
uninterrupted run stores (issue 17)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parley.export import event_records
from parley.pipeline import run_paths
from parley.store import Store

# Six small articles of our own; a role learned in one ("Foreign Minister Nino Kalandadze")
# resolves the bare name in a later batch, so losing people on a kill would show.
ARTICLES = [
    "Georgian Foreign Minister Nino Kalandadze met Russian envoy Grigory Karasin in Geneva on Monday.",
    "Police arrested two protesters outside parliament in Tbilisi on Tuesday.",
    "Kalandadze accused Russia of violating the ceasefire agreement.",
    "Russian troops shelled villages near Tskhinvali, Georgian officials said.",
    "Karasin rejected the accusation and urged Georgia to withdraw its police.",
    "Kalandadze called on the European Union to send more monitors.",
]

KILLER = """
import os, signal, sys
import parley.store as store_module
from parley.pipeline import run_paths
db, folder, mode, at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
count = 0
if mode == "save":  # killed while writing the at-th document of the run
    original = store_module.Store._write_document
    def write(self, doc, coded):
        global count
        count += 1
        if count == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, doc, coded)
    store_module.Store._write_document = write
else:  # killed half-way through writing the stories
    def stories(self, assignments):
        with self.transaction():
            items = list(assignments.items())
            self.con.executemany("UPDATE events SET story_id = 'half' WHERE event_id = ?",
                                 [[eid] for eid, _ in items[: len(items) // 2]])
            os.kill(os.getpid(), signal.SIGKILL)
    store_module.Store.update_stories = stories
with store_module.Store(db) as store:
    run_paths([folder], store, batch_size=2)
"""


def _snapshot(db: Path) -> tuple[list[dict], list[tuple]]:
    with Store(db, read_only=True) as store:
        events = sorted(event_records(store), key=lambda e: e["event_id"])
        people = sorted((p.actor_id, p.name, tuple(p.aliases), tuple(str(r) for r in p.roles))
                        for p in store.load_people())
    return events, people


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for i, text in enumerate(ARTICLES):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def uninterrupted(corpus, tmp_path_factory) -> tuple[list[dict], list[tuple]]:
    whole = tmp_path_factory.mktemp("whole") / "whole.duckdb"
    with Store(whole) as store:
        run_paths([corpus], store, batch_size=2)
    return _snapshot(whole)


# killed after the first batch's first document (its people not yet saved), in the middle
# of the third batch, and while the stories are written
@pytest.mark.parametrize(("mode", "at"), [("save", 2), ("save", 5), ("stories", 0)])
def test_a_killed_run_resumed_equals_an_uninterrupted_one(corpus, uninterrupted, tmp_path, mode, at):
    killed = tmp_path / "killed.duckdb"
    result = subprocess.run([sys.executable, "-c", KILLER, str(killed), str(corpus), mode, str(at)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == -9, result.stderr[-2000:]  # it really was killed
    with Store(killed) as store:  # the store opens after the kill
        run_paths([corpus], store, batch_size=2)
    events, people = _snapshot(killed)
    assert events and all(e["story_id"] != "half" for e in events)
    assert (events, people) == uninterrupted


def test_a_run_that_stores_nothing_new_leaves_stories_and_index_alone(corpus, tmp_path, monkeypatch):
    import parley.pipeline as pipeline

    db = tmp_path / "again.duckdb"
    with Store(db) as store:
        run_paths([corpus], store, batch_size=2)
    rebuilt: list[int] = []
    original = pipeline.refresh_stories
    monkeypatch.setattr(pipeline, "refresh_stories", lambda store: (rebuilt.append(1), original(store))[1])
    with Store(db) as store:
        report = run_paths([corpus], store, batch_size=2)
    assert report.documents == 0 and report.skipped == len(ARTICLES) and rebuilt == []
    (corpus / "new.txt").write_text("Armenian police detained an opposition leader in Yerevan.")
    try:
        with Store(db) as store:
            assert run_paths([corpus], store, batch_size=2).documents == 1
    finally:
        (corpus / "new.txt").unlink()
    assert rebuilt == [1]
