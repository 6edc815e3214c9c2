"""Time: resolve time expressions against the publication date and date each event.

dateparser handles explicit dates; relative expressions ("last Tuesday", "earlier this
month", "next week") and ranges ("December 17-18", "Tuesday and Wednesday"), which it gets
wrong, are resolved here. Precision is honest: a month name gives month precision, "2008"
gives year precision, and without a publication date relative expressions are not resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from parley.model import Document, Event

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1}


@dataclass
class TimeValue:
    value: str  # ISO date, YYYY-MM, YYYY, or a duration such as P10M
    precision: str  # day | month | year | duration
    text: str

    @property
    def is_date(self) -> bool:
        return self.precision in ("day", "month", "year")


def _month(token: str) -> int:
    return MONTH_ABBR[token.lower().rstrip(".")[:4] if token.lower().startswith("sept")
                      else token.lower()[:3]]


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _weekday(anchor: date, weekday: int, direction: str) -> date:
    delta = (anchor.weekday() - weekday) % 7
    if direction == "last":
        return anchor - timedelta(days=delta or 7)
    if direction == "next":
        return anchor + timedelta(days=((weekday - anchor.weekday()) % 7) or 7)
    if direction == "this_future":
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    # bare weekday in news copy: the most recent such day (today counts)
    return anchor - timedelta(days=delta)


def _year_for_month(anchor: date, month: int, direction: str | None) -> int:
    if direction == "last":
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    return anchor.year


def resolve(text: str, anchor: date | None, future: bool = False) -> TimeValue | None:
    """Normalise one time expression. `future` says the verb looks forward (for weekdays)."""
    raw = text
    t = text.lower().strip()
    t = re.sub(r"^(?:on|in|at|by|since|until|from|during|the)\s+", "", t)
    # explicit full dates (with a year)
    m = re.search(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?,?\s+((?:19|20)\d\d)\b", t)
    if m:
        return TimeValue(date(int(m.group(3)), _month(m.group(1)), int(m.group(2))).isoformat(), "day", raw)
    m = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?\s+{_MONTH_RE},?\s+((?:19|20)\d\d)\b", t)
    if m:
        return TimeValue(date(int(m.group(3)), _month(m.group(2)), int(m.group(1))).isoformat(), "day", raw)
    m = re.search(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b", t)
    if m:
        return TimeValue(m.group(0), "day", raw)
    m = re.search(rf"\b{_MONTH_RE},?\s+((?:19|20)\d\d)\b", t)
    if m:
        return TimeValue(f"{m.group(2)}-{_month(m.group(1)):02d}", "month", raw)
    m = re.fullmatch(r"(?:the\s+)?(?:early|mid|late\s+)?((?:19|20)\d\d)s?", t)
    if m:
        return TimeValue(m.group(1), "year", raw)
    if anchor is None:
        return None
    # relative expressions need the publication date
    simple = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "this morning": 0,
              "this afternoon": 0, "this evening": 0, "last night": -1, "overnight": 0,
              "the day before yesterday": -2, "now": 0}
    if t in simple:
        return TimeValue((anchor + timedelta(days=simple[t])).isoformat(), "day", raw)
    m = re.fullmatch(rf"(last|next|this|past|previous|coming)?\s*({'|'.join(WEEKDAYS)})(?:\s+(?:and|or|through|to|-)\s+\w+day)?(?:\s+(?:morning|afternoon|evening|night))?", t)
    if m:
        direction = {"last": "last", "past": "last", "previous": "last", "next": "next",
                     "coming": "next", "this": "this_future" if future else None}.get(m.group(1) or "")
        if direction is None and future:
            direction = "this_future"
        day = _weekday(anchor, WEEKDAYS.index(m.group(2)), direction or "recent")
        return TimeValue(day.isoformat(), "day", raw)
    m = re.fullmatch(rf"(last|next|this|past|previous|coming|early|late|mid|earlier this|later this)?\s*-?{_MONTH_RE}(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:[-–]|and|to)\s*\d{{1,2}})?)?", t)
    if m:
        month = _month(m.group(2))
        direction = {"last": "last", "past": "last", "previous": "last", "next": "next",
                     "coming": "next"}.get(m.group(1) or "")
        year = _year_for_month(anchor, month, direction)
        if m.group(3):
            try:
                return TimeValue(date(year, month, int(m.group(3))).isoformat(), "day", raw)
            except ValueError:
                return None
        return TimeValue(f"{year}-{month:02d}", "month", raw)
    m = re.fullmatch(r"(?:(?:earlier|later)\s+)?(this|last|next|past|previous|coming)\s+(week|month|year)", t)
    if m:
        shift = {"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[m.group(1)]
        unit = m.group(2)
        if unit == "week":
            monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=shift)
            iso = monday.isocalendar()
            return TimeValue(f"{iso[0]}-W{iso[1]:02d}", "week", raw)
        if unit == "month":
            first = _shift_month(anchor, shift)
            return TimeValue(f"{first.year}-{first.month:02d}", "month", raw)
        return TimeValue(str(anchor.year + shift), "year", raw)
    m = re.fullmatch(r"(\w+)\s+(day|week|month|year)s?\s+ago", t)
    if m and (m.group(1) in _NUMBER_WORDS or m.group(1).isdigit()):
        n = _NUMBER_WORDS.get(m.group(1)) or int(m.group(1))
        unit = m.group(2)
        if unit == "day":
            return TimeValue((anchor - timedelta(days=n)).isoformat(), "day", raw)
        if unit == "month":
            first = _shift_month(anchor, -n)
            return TimeValue(f"{first.year}-{first.month:02d}", "month", raw)
        if unit == "year":
            return TimeValue(str(anchor.year - n), "year", raw)
    m = re.fullmatch(r"(?:a|an|the|(\d+|\w+))[\s-]*(day|week|month|year)s?(?:[\s-]long)?", t)
    if m and (m.group(1) is None or m.group(1) in _NUMBER_WORDS or m.group(1).isdigit()):
        n = 1 if m.group(1) is None else (_NUMBER_WORDS.get(m.group(1)) or int(m.group(1)))
        return TimeValue(f"P{n}{m.group(2)[0].upper()}", "duration", raw)
    return None


def date_events(doc: Document, parsed_ents: list[tuple[str, int, int]] | None = None) -> None:
    """Give every event of doc a date: the time expression in its sentence, else the
    publication date; mark events that only refer back to history."""
    anchor = date.fromisoformat(doc.published) if doc.published else None
    for event in doc.events:
        _date_event(event, anchor, parsed_ents or [])


def _date_event(event: Event, anchor: date | None, ents: list[tuple[str, int, int]]) -> None:
    in_sentence = [(text, start) for text, start, end in ents
                   if event.sentence_start <= start < event.sentence_end]
    best: TimeValue | None = None
    trigger_at = event.sentence.find(event.trigger.split()[-1]) + event.sentence_start
    for text, _start in sorted(in_sentence, key=lambda e: abs(e[1] - trigger_at)):
        value = resolve(text, anchor, future=event.future)
        if value is not None and value.precision in ("day", "month", "year"):
            best = value
            break
    if best is not None:
        event.date, event.date_precision, event.date_text = best.value, best.precision, best.text
        if anchor is not None and best.value[:4].isdigit():
            event.historical = int(best.value[:4]) < anchor.year - 1 or (
                best.precision == "day" and date.fromisoformat(best.value) < anchor - timedelta(days=365))
    elif anchor is not None:
        event.date, event.date_precision = anchor.isoformat(), "day"
        event.date_text = None
    else:
        event.date, event.date_precision = None, "none"
