"""The Spark job codes a corpus as `parley run` does, with the same library code."""

from __future__ import annotations

import pytest

from parley.pipeline import run_paths
from parley.spark import read_output, run_spark
from parley.store import Store

from .conftest import ARTICLES, write_articles


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_articles(folder / "wire.jsonl")
    (folder / "extra").mkdir()
    (folder / "extra" / "talks.txt").write_text(
        "MOSCOW (Reuters) - Russia and Armenia signed a defence agreement on Friday.", encoding="utf-8")
    (folder / "extra" / "copy.txt").write_text(ARTICLES[0][0], encoding="utf-8")  # same text again
    (folder / "extra" / "empty.txt").write_text("  \n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def spark_output(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("spark") / "out"
    report = run_spark([str(corpus)], out, master="local[2]", partitions=3)
    return report, out


def _key(event):
    return (event["event_id"], event["event_type"], event["date"], event["story_id"],
            event["num_articles"], tuple(a["country"] for a in event["source"]),
            tuple(a["country"] for a in event["target"]))


def test_spark_codes_what_the_local_run_codes(corpus, spark_output, tmp_path):
    report, out = spark_output
    with Store(tmp_path / "local.duckdb") as store:
        run_paths([corpus], store)
        local = sorted(_key(e) for e in store.events())
        local_docs = {d["doc_id"] for d in store.documents()}
    spark_events = read_output(out / "events")
    assert sorted(_key(e) for e in spark_events) == local and local
    # the same text in two files is one document
    assert {d["doc_id"] for d in read_output(out / "documents")} == local_docs
    assert (report.documents, report.events) == (len(local_docs), len(local))


def test_spark_output_is_the_export_schema_and_problems_are_reported(spark_output):
    report, out = spark_output
    event = read_output(out / "events")[0]
    assert {"event_id", "sentence", "sentence_start", "location", "doc_title", "doc_published"} <= set(event)
    assert any("empty" in problem and "empty.txt" in problem for problem in report.problems)


def test_spark_refuses_to_overwrite(spark_output, corpus):
    _report, out = spark_output
    with pytest.raises(FileExistsError):
        run_spark([str(corpus)], out, master="local[1]")
