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


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Caucasus Wire</title><link>http://example.org/</link>
<item><title>Talks resume in Geneva</title><link>http://example.org/geneva</link>
<pubDate>Wed, 17 Dec 2008 10:00:00 GMT</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>Russia and Georgia resumed talks in Geneva on Wednesday.</p>
<p>The envoys met for four hours.</p>]]></content:encoded></item>
<item><title>Empty</title><link>http://example.org/empty</link><description></description></item>
<item><title>NATO statement</title><link>http://example.org/nato</link>
<description>NATO urged Russia to withdraw its troops.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<entry><title>CSTO drills</title><link href="http://example.org/csto"/>
<updated>2009-06-14T08:00:00Z</updated><author><name>A. Writer</name></author>
<content type="html">&lt;p&gt;The CSTO held drills in Armenia.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_and_atom_feeds_give_one_document_per_entry(tmp_path):
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "desk.xml").write_text(ATOM, encoding="utf-8")
    docs, problems = ingest_paths([tmp_path])
    by_title = {d.title: d for d in docs}
    geneva = by_title["Talks resume in Geneva"]
    # the full content, not the teaser, with the entry's metadata
    assert "resumed talks in Geneva" in geneva.raw and geneva.fmt == "html"
    assert (geneva.url, geneva.published, geneva.source) == (
        "http://example.org/geneva", "2008-12-17", "Caucasus Wire")
    assert by_title["NATO statement"].raw == "NATO urged Russia to withdraw its troops."
    assert by_title["CSTO drills"].author == "A. Writer"
    assert by_title["CSTO drills"].published == "2009-06-14"
    assert [p.message for p in problems] == ["feed entry has no text"]


def test_a_feed_that_is_not_one_is_reported(tmp_path):
    (tmp_path / "broken.rss").write_text("this is not < xml at all", encoding="utf-8")
    docs, problems = ingest_paths([tmp_path])
    assert docs == [] and "unreadable feed" in problems[0].message


def _warc(path, records):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, status, content_type, body in records:
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body),
                                                          http_headers=http))


def test_web_archive_pages_become_documents(tmp_path):
    page = "<html><body><p>Turkey proposed a Caucasus platform.</p></body></html>"
    _warc(tmp_path / "crawl.warc.gz", [
        ("http://example.org/a", "200 OK", "text/html; charset=utf-8", page.encode("utf-8")),
        ("http://example.org/logo.png", "200 OK", "image/png", b"\x89PNG\x00\x00"),
        ("http://example.org/gone", "404 Not Found", "text/html", b"<html>missing</html>"),
        ("http://example.org/b", "200 OK", "text/html; charset=windows-1252",
         "<html><body><p>Karasin\u2019s envoy met Georgian officials.</p></body></html>".encode("cp1252")),
    ])
    docs, problems = ingest_paths([tmp_path])
    assert problems == []
    assert [d.url for d in docs] == ["http://example.org/a", "http://example.org/b"]
    assert docs[0].fmt == "html" and "Caucasus platform" in docs[0].raw
    assert "Karasin\u2019s envoy" in docs[1].raw  # the page's own charset


def test_a_broken_web_archive_is_reported(tmp_path):
    (tmp_path / "bad.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    docs, problems = ingest_paths([tmp_path])
    assert docs == [] and "web archive" in problems[0].message



def test_documents_stream_file_by_file(tmp_path, monkeypatch):
    import parley.ingest as ingest

    (tmp_path / "a.txt").write_text("Russia and Georgia agreed to talks.")
    (tmp_path / "b.txt").write_text("NATO met in Brussels.")
    (tmp_path / "c.txt").write_text("Russia and Georgia agreed to talks.")  # a copy
    read: list[str] = []
    original = ingest.iter_path
    monkeypatch.setattr(ingest, "iter_path", lambda path: (read.append(path.name), original(path))[1])
    stream = ingest.iter_documents([tmp_path])
    first = next(stream)
    assert read == ["a.txt"] and first.raw.startswith("Russia")  # nothing read ahead
    assert [d.raw for d in stream] == ["NATO met in Brussels."]  # the copy is not read twice


def test_a_feed_naming_a_file_never_opens_it(tmp_path):
    from parley.ingest import ingest_paths

    secret = tmp_path / "secret.xml"  # a feed of its own, so that reading it would show
    secret.write_text('<rss version="2.0"><channel><title>s</title><item><title>t</title><description>'
                      'Troops attacked the capital; this file must never be read.</description></item>'
                      '</channel></rss>', encoding="utf-8")
    feed = tmp_path / "bad.rss"
    feed.write_text(str(secret), encoding="utf-8")
    docs, problems = ingest_paths([feed])
    assert not any("must never be read" in d.raw for d in docs)
    assert problems and "feed" in problems[0].message


# --- hostile input (issue 17): each becomes a one-line problem or a clean document ----------

def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_hostile_jsonl_lines_are_reported_not_raised(tmp_path):
    lines = ['{"id": ' + "9" * 5000 + ', "text": "A huge id."}',  # int past Python's digit limit
             "[" * 200_000,  # nesting past the recursion limit
             '{"text": "Lone \\ud800 surrogate.", "title": "T\\udfff"}',
             '{"text": "Kept one record\u2028despite a line separator\u0085and NEL."}']
    (tmp_path / "bad.jsonl").write_text("\n".join(lines), encoding="utf-8")
    docs, problems = ingest_paths([tmp_path])
    assert [p.origin.rsplit("#", 1)[1] for p in problems if p.fatal] == ["2"]
    assert any("A huge id." == d.raw for d in docs)
    surrogate = next(d for d in docs if d.raw.startswith("Lone"))
    assert _encodable(surrogate.raw) and _encodable(surrogate.title or "")
    assert "\ufffd" in surrogate.raw and surrogate.warnings
    assert any(d.raw.startswith("Kept one record") and d.raw.endswith("NEL.") for d in docs)


def test_non_utf8_file_name_gives_an_encodable_origin(tmp_path):
    import os

    name = os.fsencode(str(tmp_path)) + b"/caf\xe9.txt"
    with open(name, "wb") as fh:
        fh.write(b"Police arrested two men in Tbilisi.")
    docs, problems = ingest_paths([tmp_path])
    assert problems == [] and len(docs) == 1
    assert _encodable(docs[0].origin) and "caf" in docs[0].origin


def test_truncated_web_archive_keeps_what_came_before(tmp_path):
    page = b"<html><body><p>Turkey proposed a Caucasus platform.</p></body></html>"
    _warc(tmp_path / "whole.warc", [("http://example.org/a", "200 OK", "text/html", page),
                                   ("http://example.org/b", "200 OK", "text/html", page.replace(b"Turkey", b"Iran"))])
    data = (tmp_path / "whole.warc").read_bytes()
    for cut in (92, len(data) // 2 + 60, len(data) - 20):  # in the first, in the second record
        (tmp_path / "cut.warc").write_bytes(data[:cut])
        docs, problems = ingest_paths([tmp_path / "cut.warc"])
        assert problems, cut  # a cut archive is always reported, never a half page stored
        assert [d.raw for d in docs] == ([] if cut == 92 else [page.decode()])


def test_utf16_and_stray_bytes_decode_as_text(tmp_path):
    (tmp_path / "u16.txt").write_bytes("Протестующие вышли на улицы Тбилиси.".encode("utf-16"))
    russian = "Российские войска вошли в Гори. " * 20
    (tmp_path / "stray.txt").write_bytes(russian.encode("utf-8")[:100] + b"\xff" + russian.encode("utf-8")[100:])
    docs, problems = ingest_paths([tmp_path])
    by_name = {d.origin.rsplit("/", 1)[1]: d for d in docs}
    assert by_name["u16.txt"].raw == "Протестующие вышли на улицы Тбилиси."
    assert "Российские войска" in by_name["stray.txt"].raw and "\ufffd" in by_name["stray.txt"].raw
    assert any("replaced" in p.message for p in problems if p.origin.endswith("stray.txt"))


def test_named_pipe_and_unreadable_folder_are_reported(tmp_path):
    import os

    (tmp_path / "good.txt").write_text("NATO met in Brussels.")
    os.mkfifo(tmp_path / "pipe.txt")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text("hidden")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    os.chmod(locked, 0)
    try:
        docs, problems = ingest_paths([tmp_path])
    finally:
        os.chmod(locked, 0o755)
    messages = {p.origin.rsplit("/", 1)[1]: p.message for p in problems}
    assert "NATO met in Brussels." in [d.raw for d in docs]
    assert "not a regular file" in messages["pipe.txt"]
    assert "symbolic link" in messages["loop"]
    if os.geteuid() != 0:  # root reads every folder
        assert "cannot read folder" in messages["locked"] and len(docs) == 1


def test_a_decompression_bomb_in_a_web_archive_is_skipped_in_bounded_memory(tmp_path, monkeypatch):
    import gzip
    import resource
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    import parley.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_PAGE_BYTES", 1024 * 1024)
    bomb = gzip.compress(b"<p>" + b"A" * (64 * 1024 * 1024) + b"</p>")  # 64 MB in about 64 KB
    page = b"<html><body><p>Turkey proposed a Caucasus platform.</p></body></html>"
    with (tmp_path / "bomb.warc.gz").open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, body, headers in (("http://example.org/bomb", bomb, [("Content-Encoding", "gzip")]),
                                   ("http://example.org/ok", page, [])):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body),
                                                          http_headers=http))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    docs, problems = ingest_paths([tmp_path / "bomb.warc.gz"])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert [d.url for d in docs] == ["http://example.org/ok"]
    assert [p.message for p in problems] == ["page larger than 1 MB once decompressed; skipped"]
    assert grown_mb < 48  # the 64 MB page was never held whole


def test_jsonl_streams_line_by_line_and_decodes_each_line_alone(tmp_path, monkeypatch):
    from pathlib import Path

    lines = [json.dumps({"text": "Российские войска вошли в Гори.", "id": 1}, ensure_ascii=False).encode("utf-8"),
             json.dumps({"text": "Café talks in Genève.", "id": 2}, ensure_ascii=False).encode("latin-1"),
             json.dumps({"text": "Police arrested two men in Tbilisi.", "id": 3}).encode("utf-8")]
    (tmp_path / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",  # a JSONL file must never be read whole
                        lambda self: (_ for _ in ()).throw(AssertionError("read whole"))
                        if self.suffix == ".jsonl" else original(self))
    docs, problems = ingest_paths([tmp_path])
    assert [d.raw for d in docs] == ["Российские войска вошли в Гори.", "Café talks in Genève.",
                                     "Police arrested two men in Tbilisi."]
    assert [p.origin.rsplit("#", 1)[1] for p in problems] == ["2"]  # only the latin-1 line fell back
    assert docs[1].warnings and not docs[0].warnings and not docs[2].warnings
