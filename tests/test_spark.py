"""The Spark job codes a corpus as `parley run` does, with the same library code, and
`load_output` (`parley load`) brings its output into a store holding what `parley run` stores."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.export import export_events, flat_schema
from parley.pipeline import run_paths
from parley.spark import MANIFEST, NotSparkOutput, load_output, merge_people, read_manifest, run_spark
from parley.store import Store

from .conftest import ARTICLES, write_articles

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_articles(folder / "wire.jsonl")
    (folder / "extra").mkdir()
    # roles to learn (people/: a new person, and one the knowledge base knows) and a speech
    # verb (quotes/)
    (folder / "extra" / "talks.txt").write_text(
        "MOSCOW (Reuters) - Russia and Armenia signed a defence agreement on Friday. Armenian Deputy "
        "Foreign Minister Tigran Vardazaryan said the agreement would strengthen security in the region. "
        "Russian Foreign Minister Sergey Lavrov welcomed the deal.",
        encoding="utf-8")
    (folder / "extra" / "copy.txt").write_text(ARTICLES[0][0], encoding="utf-8")  # same text again
    (folder / "extra" / "empty.txt").write_text("  \n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def spark_output(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("spark") / "out"
    report = run_spark([str(corpus)], out, master="local[2]", partitions=3)  # Parquet
    return report, out


@pytest.fixture(scope="module")
def local_store(corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("local") / "local.duckdb"
    with Store(path) as store:
        run_paths([corpus], store)
    return path


def contents(path) -> dict[str, list]:
    """Everything a store holds that the web app, the CLI and later runs read."""
    with Store(path, read_only=True) as store:
        return {"events": store.events(),
                "documents": store.query("SELECT * EXCLUDE (ingested_at) FROM documents ORDER BY doc_id"),
                "mentions": store.query("SELECT * FROM mentions ORDER BY doc_id, start_char, end_char"),
                # JSON columns decoded: the same values, whatever spacing the JSON text has
                "quotes": [{**q, "speaker": json.loads(q["speaker"] or "null")} for q in store.query(
                    "SELECT * FROM quotes ORDER BY doc_id, sentence_index, text")],
                "people": [{**p, "aliases": json.loads(p["aliases"]), "roles": json.loads(p["roles"])}
                           for p in store.query("SELECT * FROM people ORDER BY actor_id")]}


def test_spark_then_load_stores_what_a_run_stores(spark_output, local_store, tmp_path):
    report, out = spark_output
    db = tmp_path / "loaded.duckdb"
    with Store(db) as store:
        loaded = load_output(out, store)
        # built after storing, as a run builds them: stories and the search index
        assert store.stories_current()
        assert [hit["doc_id"] for hit in store.search("Tskhinvali")]
    local = contents(local_store)
    assert local["events"] and local["people"] and local["quotes"] and local["mentions"]
    # the same event ids, types, actors, sentences, dates, places and story ids; the same
    # documents (the text in two files is one), mentions, quotes and learned roles
    assert contents(db) == local
    assert (loaded.documents, loaded.events) == (report.documents, report.events)
    assert (report.documents, report.events) == (len(local["documents"]), len(local["events"]))


def test_spark_writes_the_parquet_export(spark_output, local_store, tmp_path):
    report, out = spark_output
    with Store(local_store, read_only=True) as store:
        export_events(store, tmp_path / "events.parquet", "parquet")
    exported = pq.read_table(tmp_path / "events.parquet")
    written = pq.read_table(out / "events")
    assert written.schema.equals(flat_schema()) and exported.schema.equals(flat_schema())
    by_id = lambda row: row["event_id"]  # noqa: E731
    assert sorted(written.to_pylist(), key=by_id) == sorted(exported.to_pylist(), key=by_id)
    assert json.loads((out / MANIFEST).read_text())["format"] == "parquet"
    assert any("empty" in problem and "empty.txt" in problem for problem in report.problems)


def test_loading_the_same_output_again_duplicates_nothing(spark_output, tmp_path):
    _report, out = spark_output
    db = tmp_path / "twice.duckdb"
    with Store(db) as store:
        load_output(out, store)
    once = contents(db)
    with Store(db) as store:
        again = load_output(out, store)
        assert store.stories_current()
    assert contents(db) == once and again.events == len(once["events"])


def test_load_refuses_what_is_no_spark_output(corpus, spark_output, tmp_path):
    _report, out = spark_output
    with pytest.raises(NotSparkOutput, match=f"{corpus} is not a Parley Spark output") as refused:
        read_manifest(corpus)
    assert "\n" not in str(refused.value)  # one line
    cut = tmp_path / "cut"
    shutil.copytree(out, cut, ignore=shutil.ignore_patterns("people"))
    with pytest.raises(NotSparkOutput, match="incomplete Parley Spark output: no people folder"):
        read_manifest(cut)
    (cut / MANIFEST).write_text(json.dumps({"parley": "spark output", "layout": 99, "format": "parquet"}))
    with pytest.raises(NotSparkOutput, match="layout 99"):
        read_manifest(cut)
    with Store(tmp_path / "x.duckdb") as store:
        with pytest.raises(NotSparkOutput):
            load_output(corpus, store)
        assert not store.known_doc_ids()


def test_the_command_line_codes_in_json_lines_and_loads_them(corpus, local_store, tmp_path):
    """`parley spark --format jsonl`, then `parley load` twice (nothing doubles): the store
    `parley run` gives, and `parley stats` reads it. (One partition: a short second job.)"""
    out, db = tmp_path / "out", tmp_path / "loaded.duckdb"
    coded = runner.invoke(app, ["spark", str(corpus), "--out", str(out), "--format", "jsonl",
                                "--master", "local[1]", "--partitions", "1"])
    assert coded.exit_code == 0, coded.output
    first = json.loads((out / "events" / "part-00000").read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(first["source"], list) and "doc_title" in first  # nested, as `export --format jsonl`
    for _ in range(2):
        loaded = runner.invoke(app, ["load", str(out), "--db", str(db)])
        assert loaded.exit_code == 0 and "loaded 4 documents" in loaded.output, loaded.output
    assert contents(db) == contents(local_store)
    assert "documents: 4" in runner.invoke(app, ["stats", "--db", str(db)]).output


def test_people_learned_in_several_partitions_are_merged():
    role = {"country": "ARM", "sector": "GOV", "title": "Minister", "valid_from": None, "valid_to": None}
    merged = merge_people([
        {"actor_id": "person:x", "name": "Vardazaryan", "aliases": ["Vardazaryan"], "roles": []},
        {"actor_id": "person:x", "name": "Tigran Vardazaryan", "aliases": ["Tigran Vardazaryan", "Vardazaryan"],
         "roles": [role]},
        {"actor_id": "person:y", "name": "Y", "aliases": ["Y"], "roles": [role]}])
    assert merged == [{"actor_id": "person:x", "name": "Tigran Vardazaryan",
                       "aliases": ["Vardazaryan", "Tigran Vardazaryan"], "roles": [role]},
                      {"actor_id": "person:y", "name": "Y", "aliases": ["Y"], "roles": [role]}]


def test_loading_people_keeps_what_the_store_had_learned(tmp_path):
    """A person the store knows keeps the aliases and roles earlier runs taught, after the
    loaded row's own; loading the row again changes nothing."""
    from parley.actors.knowledge import Person, Role

    empty = {t: f"SELECT {keys} FROM {t} WHERE false" for t, keys in
             (("documents", "doc_id"), ("events", "event_id, doc_id"), ("mentions", "doc_id"), ("quotes", "doc_id"))}
    people = ("SELECT 'person:x' AS actor_id, 'Tigran Vardazaryan' AS name, "
              "'[\"Tigran Vardazaryan\", \"Vardazaryan\"]' AS aliases, "
              "'[{\"country\": \"ARM\", \"sector\": \"GOV\", \"title\": null, \"valid_from\": null, "
              "\"valid_to\": null}]' AS roles")
    with Store(tmp_path / "p.duckdb") as store:
        store.save_people([Person("person:x", "Vardazaryan", ["Vardazaryan", "T. Vardazaryan"],
                                  [Role("ARM", "MIL")])])
        for _ in range(2):
            assert store.load_tables({**empty, "people": people}) == (0, 0)
            assert store.load_people() == [Person(
                "person:x", "Tigran Vardazaryan", ["Tigran Vardazaryan", "Vardazaryan", "T. Vardazaryan"],
                [Role("ARM", "GOV"), Role("ARM", "MIL")])]


def test_spark_refuses_to_overwrite(spark_output, corpus):
    _report, out = spark_output
    with pytest.raises(FileExistsError):
        run_spark([str(corpus)], out, master="local[1]")
