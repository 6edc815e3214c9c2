from __future__ import annotations

import json

from parley.ingest import decode_bytes, ingest_paths, looks_binary


def test_folder_txt_html_jsonl(tmp_path):
    (tmp_path / "a.txt").write_text("Russia and Georgia agreed to hold talks.", encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>NATO met in Brussels.</p></body></html>")
    rows = [{"id": 7, "text": "Protesters rallied in Tbilisi.", "title": "Rally", "url": "http://x",
             "published": "2024-01-02", "source": "Wire"},
            {"text": "Iran condemned the strike."}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    docs, problems = ingest_paths([tmp_path])
    assert problems == []
    assert sorted(d.fmt for d in docs) == ["html", "txt", "txt", "txt"]
    rally = next(d for d in docs if d.title == "Rally")
    assert (rally.url, rally.published, rally.source) == ("http://x", "2024-01-02", "Wire")
    assert "id 7" in rally.origin


def test_same_content_stored_once(tmp_path):
    (tmp_path / "a.txt").write_text("Same text.")
    (tmp_path / "b.txt").write_text("Same text.")
    docs, _ = ingest_paths([tmp_path])
    assert len(docs) == 1


def test_bad_inputs_reported_and_rest_processed(tmp_path):
    (tmp_path / "good.txt").write_text("Turkey offered to mediate.")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (tmp_path / "bad.jsonl").write_text('{"text": "ok record"}\nnot json\n{"title": "no text"}\n')
    docs, problems = ingest_paths([tmp_path, tmp_path / "missing.txt"])
    messages = {p.origin.split("/")[-1]: p.message for p in problems}
    assert "empty document" in messages["empty.txt"]
    assert "binary" in messages["binary.txt"]
    assert "no such file" in messages["missing.txt"]
    assert any("invalid JSON" in p.message for p in problems)
    assert any("no string 'text'" in p.message for p in problems)
    assert {d.raw for d in docs} == {"Turkey offered to mediate.", "ok record"}


def test_undecodable_bytes_fall_back_and_say_so(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 talks in Gen\xe8ve.".encode("latin-1"))
    docs, problems = ingest_paths([tmp_path])
    assert docs[0].raw == "Café talks in Genève."
    assert problems and not problems[0].fatal and "decoded as cp1252" in problems[0].message
    assert docs[0].warnings


def test_decode_helpers():
    assert decode_bytes(b"\xef\xbb\xbfhello") == ("hello", None)
    assert looks_binary(b"\x00abc")
    assert not looks_binary(b"plain text\n")
