from __future__ import annotations

from datetime import date

import pytest

from parley.time import resolve, resolve_timex, time_expressions

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
    ("December 17-18", "2008-12-17", "day"),  # no tense: the nearest December 17
    ("Tuesday and Wednesday", "2008-08-26", "day"),
    ("October 15", "2008-10-15", "day"),
    ("April 3", "2008-04-03", "day"),
    ("March", "2008-03", "month"),
    ("this September", "2008-09", "month"),
    ("July last year", "2007-07", "month"),
    ("the end of November", "2008-11", "month"),
    ("mid-1996", "1996", "year"),
    ("nineteen ninety-six", "1996", "year"),
    ("a year earlier", "2007", "year"),
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


def test_tense_decides_which_day():
    assert resolve("Friday", ANCHOR, "future").value == "2008-08-29"
    assert resolve("Friday", ANCHOR, "past").value == "2008-08-22"
    assert resolve("December 17-18", ANCHOR, "future").value == "2008-12-17"
    assert resolve("February 3", ANCHOR, "future").value == "2009-02-03"
    assert resolve("December 17", ANCHOR, "past").value == "2007-12-17"
    # a past-tense report still announces dates a few weeks ahead
    assert resolve("October 15", ANCHOR, "past").value == "2008-10-15"
    # a plan: the day nearest publication, either side (the anchor is a Thursday)
    assert resolve("Saturday", ANCHOR, "nearest").value == "2008-08-30"
    assert resolve("Tuesday", ANCHOR, "nearest").value == "2008-08-26"


@pytest.mark.parametrize("text,tense,quarterly,value", [
    ("last Wednesday", None, False, "2008-08-27"),
    ("the previous Friday", None, False, "2008-08-22"),
    ("daily", None, False, "P1D"),
    ("every week", None, False, "P1W"),
    ("the year", None, False, "2008"),
    ("the fiscal year", None, False, "2008"),
    ("the quarter", None, False, "2008-Q2"),
    ("this quarter", None, False, "2008-Q3"),
    ("a year ago", None, True, "2007-Q2"),
    ("a year ago", None, False, "2007"),
    ("this year's third quarter", None, False, "2008-Q3"),
    ("fourth quarter", None, False, "2007-Q4"),
    ("fourth quarter", "future", False, "2008-Q4"),
    ("two decades", None, False, "P20Y"),
    ("almost a hundred years", None, False, "P100Y"),
    ("10 p.m. Wednesday", "past", False, "2008-08-27T22:00"),
    ("noon Thursday", None, False, "2008-08-28T12:00"),
    ("the weekend", "past", False, "2008-W34-WE"),
    ("the weekend", "future", False, "2008-W35-WE"),
    ("Christmas", "future", False, "2008-12-25"),
    ("Thanksgiving Day", "past", False, "2007-11-22"),
    ("current", None, False, "PRESENT_REF"),
    ("6-year-old", None, False, None),
])
def test_timex_values(text, tense, quarterly, value):
    assert resolve_timex(text, ANCHOR, tense, quarterly) == value


@pytest.mark.parametrize("sentence,expression,tense", [
    ("The ministers will meet on Friday.", "Friday", "future"),
    ("The ministers met on Friday.", "Friday", "past"),
    ("The talks would resume on Friday, he said.", "Friday", "future"),
    ("The offer had been due to expire Friday.", "Friday", "past"),
    # a plan made before publication may be for a day either side of it
    ("The team planned to leave Nairobi on Thursday.", "Thursday", "nearest"),
    ("The prosecutor has scheduled a news conference Thursday.", "Thursday", "nearest"),
    ("The boy's father could come to the U.S. Tuesday.", "Tuesday", "nearest"),
    ("Castro said the group was ready to leave as soon as Tuesday.", "Tuesday", "future"),
])
def test_tense_of_the_governing_verb(nlp, sentence, expression, tense):
    mentions = {m.text: m for m in time_expressions(nlp(sentence))}
    assert mentions[expression].tense == tense


def test_clock_times_join_their_day(nlp):
    texts = [m.text for m in time_expressions(nlp("Police said he was taken at 10 p.m. Wednesday night."))]
    assert any("10 p.m." in t and "Wednesday" in t for t in texts)


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
