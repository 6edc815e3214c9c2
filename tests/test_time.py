from __future__ import annotations

from datetime import date

import pytest

from parley.time import resolve

ANCHOR = date(2008, 8, 28)  # a Thursday


@pytest.mark.parametrize("text,value,precision", [
    ("on Tuesday", "2008-08-26", "day"),
    ("last Tuesday", "2008-08-26", "day"),
    ("Thursday", "2008-08-28", "day"),
    ("last August", "2007-08", "month"),
    ("last week", "2008-W34", "week"),
    ("earlier this month", "2008-08", "month"),
    ("next month", "2008-09", "month"),
    ("next December", "2008-12", "month"),
    ("December 17-18", "2007-12-17", "day"),
    ("Tuesday and Wednesday", "2008-08-26", "day"),
    ("October 15", "2007-10-15", "day"),  # past by default: the latest October 15
    ("yesterday", "2008-08-27", "day"),
    ("November 20, 2010", "2010-11-20", "day"),
    ("4 Sep, 2008", "2008-09-04", "day"),
    ("August 2008", "2008-08", "month"),
    ("2008", "2008", "year"),
    ("10 months", "P10M", "duration"),
    ("two years ago", "2006", "year"),
])
def test_resolve(text, value, precision):
    got = resolve(text, ANCHOR)
    assert got is not None and (got.value, got.precision) == (value, precision)


def test_future_sentence_looks_forward():
    assert resolve("Friday", ANCHOR, future=True).value == "2008-08-29"
    assert resolve("December 17-18", ANCHOR, future=True).value == "2008-12-17"
    assert resolve("October 15", ANCHOR, future=True).value == "2008-10-15"


def test_relative_needs_an_anchor():
    assert resolve("last Tuesday", None) is None
    assert resolve("November 20, 2010", None).value == "2010-11-20"


def test_events_dated_from_their_sentence_or_publication(code_text):
    doc = code_text("Russia recognized Abkhazia last Tuesday. Georgia condemned the decision.",
                    published="2008-08-28")
    by_type = {e.event_type: e for e in doc.events}
    assert by_type["SUPPORT"].date == "2008-08-26" and by_type["SUPPORT"].date_text == "last Tuesday"
    assert by_type["ACCUSE"].date == "2008-08-28" and by_type["ACCUSE"].date_precision == "day"


def test_no_publication_date_is_said(code_text):
    doc = code_text("Georgia condemned the decision on Tuesday.", published=None)
    assert doc.events and doc.events[0].date is None and doc.events[0].date_precision == "none"


def test_historical_reference_marked(code_text):
    doc = code_text("Russian troops invaded Georgia in August 2008.", published="2015-03-01")
    assert doc.events[0].historical and doc.events[0].date == "2008-08"


def test_without_publication_date_relative_dates_are_inferred(code_text):
    doc = code_text("Russia and NATO reached an accord on November 20, 2010 in Lisbon. "
                    "Russia criticized NATO on Tuesday.", published=None)
    by_type = {e.event_type: e for e in doc.events}
    accuse = by_type["ACCUSE"]
    assert accuse.date == "2010-11-16" and accuse.date_inferred
    assert not by_type["AGREE"].date_inferred and by_type["AGREE"].date == "2010-11-20"
