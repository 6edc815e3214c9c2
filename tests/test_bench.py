from __future__ import annotations

import json

from parley.bench import run_bench, write_corpus

from .conftest import REPO


def test_bench_runs_the_pipeline_beside_spacy_for_each_worker_count():
    # batches of 3 so that two workers both have some
    result = run_bench(REPO / "examples", limit=8, workers=[1, 2], batch_size=3)
    assert result.documents == 8 and result.words > 0
    assert result.spacy_cpu_s and result.spacy_cpu_s > 0
    assert [r.workers for r in result.runs] == [1, 2]
    assert all(r.documents == 8 and r.cpu_s > 0 for r in result.runs)
    assert {"clean", "parse", "actors", "rules", "time/place", "store"} <= set(result.runs[0].stages)
    assert result.runs[1].children_rss_mb > 0  # the workers ended, and were measured
    assert result.identical is True
    lines = result.lines()
    assert any(line.startswith("workers_2: ") and "x spaCy" in line for line in lines)
    assert "events_identical_across_workers: yes" in lines


def test_a_corpus_repeated_past_its_end_is_new_documents(tmp_path):
    source = tmp_path / "two.jsonl"
    source.write_text("\n".join(json.dumps({"text": t, "title": "T"}) for t in
                                ("Police arrested two men in Tbilisi.", "Russia accused Georgia.")))
    assert write_corpus(source, 5, tmp_path / "out.jsonl") == 5
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len({r["text"] for r in rows}) == 5 and all(r["title"] == "T" for r in rows)
    assert rows[2]["text"].startswith("Police arrested two men in Tbilisi.")
