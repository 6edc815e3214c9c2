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
    monkeypatch.setattr(pipeline, "refresh_stories",
                        lambda store, *args: (rebuilt.append(1), original(store, *args))[1])
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


def test_two_workers_store_what_one_process_stores(corpus, uninterrupted, tmp_path):
    """Batches coded in two processes at once: the same events and people as one process,
    roles learned in one batch resolving names in later ones included (issue 18)."""
    db = tmp_path / "workers.duckdb"
    seen: dict[str, tuple[int, int]] = {}
    with Store(db) as store:
        report = run_paths([corpus], store, batch_size=2, workers=2,
                           progress=lambda stage, done, total: seen.__setitem__(stage, (done, total)))
    assert report.documents == len(ARTICLES)
    assert _snapshot(db) == uninterrupted
    assert seen["code"] == seen["parse"] == (len(ARTICLES), len(ARTICLES))  # the bars reach the end


def test_a_worker_that_fails_fails_the_run(corpus, tmp_path, monkeypatch):
    import parley.pipeline as pipeline

    original = pipeline.code_document

    def broken(parsed, doc, *args, **kwargs):
        if doc.doc_id != "warm-up":  # (the parent's warm-up before the fork codes one document)
            raise ValueError("broken rules")
        return original(parsed, doc, *args, **kwargs)

    monkeypatch.setattr(pipeline, "code_document", broken)  # (the workers are forked: they see it)
    with Store(tmp_path / "broken.duckdb") as store, pytest.raises(RuntimeError, match="broken rules"):
        run_paths([corpus], store, batch_size=2, workers=2)


# Dated reports of our own in two weeks: the same accusation told by three outlets (two of
# them near-copies), and an unrelated story in another week
STORY_REPORTS = [
    ("a", "Russia accused Georgia of shelling Tskhinvali on Thursday, officials in Moscow said.", "2008-08-07", "Reuters"),
    ("b", "Armenian police detained an opposition leader in Yerevan.", "2008-09-15", "AFP"),
    ("c", "Russia accused Georgia of shelling Tskhinvali on Thursday, officials in Moscow said. More soon.",
     "2008-08-07", "Reuters"),
    ("d", "Moscow accused Georgia on Thursday of shelling Tskhinvali overnight.", "2008-08-07", "AP"),
    ("e", "Police in Yerevan detained an opposition leader on Monday.", "2008-09-15", None),
]


def _write_reports(folder: Path, names: str, reports: list[tuple] = STORY_REPORTS) -> Path:
    import json

    folder.mkdir(parents=True, exist_ok=True)
    for name, text, published, source in reports:
        if name in names:
            row = {"id": name, "text": text, "published": published, "source": source}
            (folder / f"{name}.jsonl").write_text(json.dumps(row), encoding="utf-8")
    return folder


def _stories(db: Path) -> dict[str, tuple]:
    with Store(db) as store:
        # (a report by its own id: the folders differ)
        return {(r["origin"].rsplit("(id ", 1)[-1], r["sentence_start"], r["event_type"]):
                (r["story_id"], r["num_articles"], r["num_sources"])
                for r in store.query("SELECT e.*, d.origin FROM events e JOIN documents d USING (doc_id)")}


def test_stories_after_runs_that_add_documents_equal_one_run_of_them_all(tmp_path, monkeypatch):
    import parley.pipeline as pipeline

    whole = tmp_path / "whole.duckdb"
    with Store(whole) as store:
        run_paths([_write_reports(tmp_path / "all", "abcde")], store)
    steps = tmp_path / "steps.duckdb"
    with Store(steps) as store:
        run_paths([_write_reports(tmp_path / "first", "ab")], store)
    calls: list[set[str] | None] = []
    original = pipeline.refresh_stories
    monkeypatch.setattr(pipeline, "refresh_stories",
                        lambda store, *args: (calls.append(args[0] if args else None), original(store, *args))[1])
    with Store(steps) as store:
        run_paths([_write_reports(tmp_path / "first", "cde")], store)
    assert calls and calls[0] is not None and len(calls[0]) == 3  # only the new documents' stories
    expected = _stories(whole)
    assert _stories(steps) == expected
    accusation = [v for k, v in expected.items() if k[2] == "ACCUSE"]
    assert {v[1:] for v in accusation} == {(2, 2)}  # three reports, two of them near-copies; two outlets


def test_stories_after_a_document_is_coded_again_equal_a_fresh_run(tmp_path):
    # the same report, dated a month later when coded again: it leaves its old story and week
    moved = [(name, text, "2008-09-15" if name == "d" else published, source)
             for name, text, published, source in STORY_REPORTS]
    steps = tmp_path / "steps.duckdb"
    with Store(steps) as store:
        run_paths([_write_reports(tmp_path / "docs", "abcde")], store)
    with Store(steps) as store:
        run_paths([_write_reports(tmp_path / "docs", "d", moved)], store, reprocess=True)
    fresh = tmp_path / "fresh.duckdb"
    with Store(fresh) as store:
        run_paths([_write_reports(tmp_path / "again", "abcde", moved)], store)
    assert _stories(steps) == _stories(fresh)
    assert {v[1:] for k, v in _stories(steps).items() if k[0] == "a)" and k[2] == "ACCUSE"} == {(1, 1)}
