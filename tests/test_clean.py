from __future__ import annotations

import pytest

from parley.clean import clean_document, drop_repeated, is_date_line, normalise_published, parse_date_text
from parley.ingest import ingest_paths
from parley.model import Document

from .conftest import SEEDS, needs_shared


def _doc(raw: str, fmt: str = "txt") -> Document:
    return clean_document(Document(doc_id="x", origin="t", raw=raw, fmt=fmt))


BODY = ("The foreign ministers of both countries met in the capital on Monday and agreed to "
        "continue talks on a peace treaty, officials said.")


def test_icon_runs_and_breakpoints_are_dropped():
    raw = ("icon bookmark-bicon cameraicon checkicon chevron downicon closeicon editicon fbicon\n"
           f"Ministers agree on treaty talks\n{BODY}\n"
           "• narrow-browser-and-phone\n• landscape-tablet-and-above\n• wide-browser-and-larger\n0 : 0\n")
    doc = _doc(raw)
    assert doc.text == BODY
    assert doc.title == "Ministers agree on treaty talks"


def test_disclaimers_credits_and_rails_are_dropped():
    raw = (f"Talks resume\n{BODY}\nThe ministers will meet again in June, the statement said.\n"
           "photo: Flags outside the ministry\n"
           "Disclaimer: The contents of this article are of sole responsibility of the author.\n"
           "Copyright 2024 Example Media. All rights reserved.\nTo watch the briefing, please follow the link\n"
           "Related articles\nEditor's choice\nOther story about markets falling sharply today in Asia.\n")
    doc = _doc(raw)
    assert doc.text.split("\n\n") == [BODY, "The ministers will meet again in June, the statement said."]


def test_repeated_paragraphs_removed_once():
    para = "A long teaser paragraph that appears twice on the page, as rails often repeat it."
    assert drop_repeated([para, para, "Other text entirely different."]) == [
        para, "Other text entirely different."]


def test_repeats_are_found_in_linear_time(monkeypatch):
    import parley.clean as clean

    calls = 0
    original = clean.fuzz.ratio

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(clean.fuzz, "ratio", counting)
    words = ["police", "rebels", "talks", "border", "ministry", "court", "troops", "envoy", "harvest", "bridge"]
    paragraphs = [" ".join(words[(i // 10 ** k) % 10] for k in range(4)) + f" {words[i % 7]} story." for i in range(3000)]
    kept = drop_repeated(paragraphs + [paragraphs[5]])  # an exact repeat far back is still dropped
    assert kept == paragraphs
    assert calls <= 3001 * clean.REPEAT_WINDOW


def test_invisible_characters_do_not_split_words():
    doc = _doc("Police ar\u200brested two men in Tbi\u00adlisi on Monday, the ministry said.")
    assert "arrested two men in Tbilisi" in doc.text


def test_metadata_date_byline_dateline_source():
    raw = ("June 27, 2009 / 10:12 AM / 10 years ago\nSummit ends with a deal\n"
           f"CORFU, Greece (Reuters) - {BODY}\nWriting by Jane Doe; Editing by John Roe\n")
    doc = _doc(raw)
    assert doc.published == "2009-06-27"
    assert doc.source == "Reuters"
    assert doc.dateline == "CORFU, Greece"
    assert doc.author == "Jane Doe"
    assert doc.text == f"CORFU, Greece (Reuters) - {BODY}"  # the dateline is kept in the text


def test_no_date_is_none_not_a_guess():
    doc = _doc(f"Headline here\n{BODY}")
    assert doc.published is None


@pytest.mark.parametrize("line,expected", [
    ("4 Sep, 2008 13:09", "2008-09-04"), ("June 27, 2009 / 10:12 AM", "2009-06-27"),
    ("Published 2021-03-04", "2021-03-04")])
def test_date_lines(line, expected):
    assert is_date_line(line)
    assert str(parse_date_text(line)) == expected


def test_prose_with_a_date_is_not_a_date_line():
    assert not is_date_line("The agreement signed on June 27, 2009 in Corfu was a turning point for both.")


def test_byline_gives_agency():
    doc = _doc(f"By Xinhua,\nAnkara : {BODY}")
    assert doc.source == "Xinhua" and doc.dateline == "Ankara"
    assert doc.text == f"Ankara : {BODY}"


def test_html_broken_markup_and_no_body():
    html = ("<html><head><title>T</title></head><body><nav>Home | Login</nav><article><h1>Deal reached"
            f"</h1><p>{BODY}<p>Second paragraph of the article is here and it is long enough."
            "</article><footer>© 2024 Example. All rights reserved.</footer>")
    doc = _doc(html, "html")
    assert BODY in doc.text and "All rights reserved" not in doc.text
    empty = _doc("<html><head><title>x</title></head><body></body></html>", "html")
    assert empty.text == "" and empty.warnings


def test_html_wrong_declared_charset_and_huge_page():
    html = ('<html><head><meta charset="iso-8859-1"></head><body><article>'
            + f"<p>{BODY} Café.</p>" * 2000 + "</article></body></html>")
    doc = _doc(html, "html")
    assert "Café" in doc.text
    assert doc.text.count(BODY) == 1  # near-duplicate paragraphs removed once


@needs_shared(SEEDS)
def test_seed_pages_have_no_junk_and_all_body():
    docs, problems = ingest_paths([SEEDS])
    assert len(docs) == 5 and not problems
    junk = ["icon", "browser", "Disclaimer", "copyright", "Related articles", "Editor's choice",
            "Popular", "photo:", "Editing by", "0 : 0", "follow the link", "Turkiye to host COP31"]
    for doc in docs:
        raw = doc.raw
        clean_document(doc)
        for word in junk:
            assert word not in doc.text, (doc.origin, word)
        # every body paragraph of the raw page (before its footer and rails) survives
        for line in raw.splitlines():
            line = " ".join(line.split())
            if line.startswith(("Related articles", "Articles by", "Additional reporting", "source:")):
                break
            if len(line) > 150 and not any(w.lower() in line.lower() for w in junk + ["COP"]):
                assert line in " ".join(doc.text.split()), line[:60]
    by_name = {d.origin.split("/")[-1][:3]: d for d in docs}
    assert by_name["002"].published == "2009-06-27" and by_name["002"].source == "Reuters"
    assert by_name["004"].published == "2008-09-04"
    assert by_name["003"].source == "Xinhua"
    assert by_name["000"].published is None


def test_html_dateline_after_the_title_is_recorded():
    html = ("<html><head><title>Truce collapses</title></head><body><article><h1>Truce collapses</h1>"
            f"<p>KHARTOUM, Sudan (AFP) - {BODY}</p><p>Second paragraph of the article is here and it is "
            "long enough to be prose.</p></article></body></html>")
    doc = _doc(html, "html")
    assert doc.dateline == "KHARTOUM, Sudan"
    assert doc.text[doc.dateline_end:].startswith("The foreign ministers")


@pytest.mark.parametrize("given,expected", [
    ("June 3, 2020", "2020-06-03"), ("2020-06-04T10:00:00Z", "2020-06-04"),
    ("Wed, 03 Jun 2020 10:00:00 GMT", "2020-06-03"), ("soon", None), ("2020-13-45", None)])
def test_a_given_publication_date_is_read_in_any_common_form(given, expected):
    doc = Document(doc_id="d", origin="test", raw="Iran condemned the strike.", fmt="txt",
                   published=given)
    normalise_published(doc)
    assert doc.published == expected
    assert doc.published_precision == ("day" if expected else "none")
    assert (expected is None) == any("publication date not understood" in w for w in doc.warnings)


def test_events_are_dated_against_a_given_date_in_prose_form(code_text):
    doc = code_text("Iran condemned the strike on Sunday.", published="June 3, 2020")
    assert doc.events and doc.events[0].date == "2020-05-31"
