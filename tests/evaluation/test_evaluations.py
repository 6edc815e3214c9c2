"""Each `parley eval` runs on a small file of the same format (our own fixtures) via --data,
and prints its figures last, one per line."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.evaluation.metrics import accuracy, macro_f1, read_jsonl

from ..conftest import DATA, REPO, needs_shared

FIXTURES = REPO / "tests" / "fixtures"
runner = CliRunner()
FIGURE = re.compile(r"^[a-z0-9_]+: -?\d+\.\d{3}$")


def _figures(output: str) -> dict[str, float]:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert lines and all(FIGURE.match(line) for line in lines), output
    return {k: float(v) for k, v in (line.split(": ") for line in lines)}


def test_metrics():
    assert accuracy(["A", "B"], ["A", "C"]) == 0.5
    assert macro_f1(["A", "A", "B"], ["A", "A", "B"]) == 1.0
    assert macro_f1(["A", "B"], ["B", "A"]) == 0.0


def test_read_jsonl_keeps_unicode_line_separators(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "a\u2028b"}\n\n{"text": "c"}\n', encoding="utf-8")
    assert [r["text"] for r in read_jsonl(path)] == ["a\u2028b", "c"]
    path.write_text("{broken\n")
    with pytest.raises(ValueError, match="x.jsonl:1"):
        read_jsonl(path)


def test_eval_events_on_own_file():
    result = runner.invoke(app, ["eval", "events", "--dataset", "plover", "--data",
                                 str(FIXTURES / "plover_gold_mini.jsonl")])
    assert result.exit_code == 0, result.output
    figures = _figures(result.output)
    assert figures["plover_type_accuracy"] >= 0.75
    assert figures["plover_source_country_accuracy"] >= 0.75  # JAP is read as the CAMEO code for JPN


def test_eval_actors_on_own_file():
    result = runner.invoke(app, ["eval", "actors", "--dataset", "ngec", "--data",
                                 str(FIXTURES / "actor_expectations_mini.jsonl")])
    figures = _figures(result.output)
    assert figures["ngec_items_scored"] == 4  # the Wikipedia check is not scored
    assert figures["ngec_country_accuracy"] == 1.0
    assert figures["ngec_sector_accuracy"] == 1.0


def test_eval_time_on_own_file():
    figures = _figures(runner.invoke(app, ["eval", "time", "--data", str(FIXTURES / "timex_mini.jsonl")]).output)
    assert figures["timex_value_f1"] >= 0.66


def test_eval_places_on_own_file():
    result = runner.invoke(app, ["eval", "places", "--dataset", "lgl", "--data", str(FIXTURES / "geo_mini.jsonl")])
    figures = _figures(result.output)
    assert figures["geo_mini_accuracy_161km_given_mentions"] >= 2 / 4
    assert figures["geo_mini_geonameid_exact_given_mentions"] >= 2 / 4
    # the river's entry (an id of this fixture's own) is in no offline gazetteer: the exact
    # share splits into coverage and ranking
    assert figures["geo_mini_gold_entry_in_gazetteer"] == 0.75
    assert figures["geo_mini_geonameid_exact_where_gazetteer_has_it"] == pytest.approx(
        figures["geo_mini_geonameid_exact_given_mentions"] * 4 / 3, abs=0.002)


def test_eval_stories_on_own_file():
    # three stories told in other words: near-copy detection alone keeps them apart
    figures = _figures(runner.invoke(app, ["eval", "stories", "--data", str(FIXTURES / "stories_mini.jsonl")]).output)
    assert figures["stories_mini_stories_bcubed_f1"] == 1.0
    assert figures["stories_mini_near_copies_bcubed_recall"] < 0.5
    assert figures["stories_mini_story_clusters"] == figures["stories_mini_gold_clusters"] == 3


@needs_shared(DATA / "extraction" / "scrapinghub-aeb" / "evaluate.py")
def test_eval_clean_on_own_folder():
    figures = _figures(runner.invoke(app, ["eval", "clean", "--data", str(FIXTURES / "aeb")]).output)
    assert figures["parley_f1"] > 0.9
    assert figures["parley_ms_per_doc"] > 0


def test_eval_errors_are_one_line():
    result = runner.invoke(app, ["eval", "events", "--data", "/nonexistent.jsonl"])
    assert result.exit_code != 0 and "not found" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["eval", "events", "--dataset", "bogus", "--data", str(FIXTURES / "plover_gold_mini.jsonl")])
    assert result.exit_code != 0 and "unknown data set" in result.output


def test_data_file_format_is_recognised_without_dataset(tmp_path):
    events = runner.invoke(app, ["eval", "events", "--data", str(FIXTURES / "plover_gold_mini.jsonl")])
    assert "plover_type_accuracy" in events.output
    actors = runner.invoke(app, ["eval", "actors", "--data", str(FIXTURES / "actor_expectations_mini.jsonl")])
    assert "ngec_country_accuracy" in actors.output
    other = tmp_path / "other.jsonl"
    other.write_text('{"something": 1}\n')
    unknown = runner.invoke(app, ["eval", "events", "--data", str(other)])
    assert unknown.exit_code != 0 and "name it with --dataset" in unknown.output
