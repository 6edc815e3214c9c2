from __future__ import annotations

from parley.bench import run_bench

from .conftest import REPO


def test_bench_times_every_stage():
    stages = run_bench([REPO / "examples"], minimum_docs=8)
    names = [s.stage for s in stages]
    assert names == ["setup_once", "clean", "nlp", "actors", "events", "time_places", "pipeline_total"]
    total = stages[-1]
    assert total.docs >= 8 and total.seconds > 0
    assert all(line.split(": ")[1] for s in stages for line in s.lines())
