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
from typing import Any, NamedTuple

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


SOON_MONTHS = 2


def _year_for_month(anchor: date, month: int, direction: str | None, day: int | None = None) -> int:
    """Year of a month (or month and day) named without one: 'last' -> the occurrence
    before the publication month, 'next' -> the one after it, 'this' -> the publication
    year; a past-tense verb -> the latest occurrence up to the publication date, a future
    one -> the next from it; with no tense, the nearest occurrence either way."""
    here = (anchor.month, day or 0)
    there = (month, day or 0)
    if direction == "last":
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    if direction == "this":
        return anchor.year
    if direction == "future":
        return anchor.year if there >= here else anchor.year + 1
    ahead = (month - anchor.month) % 12
    if direction == "past":
        # reported speech in the past tense still announces dates a few weeks ahead
        # ("said the dividend is payable Dec. 15"): only farther ones are last year's
        return anchor.year if there <= here or ahead <= SOON_MONTHS else anchor.year - 1
    if day is None:
        return anchor.year + (month < anchor.month) if ahead < 6 and ahead != 0 else \
            anchor.year - (month > anchor.month)
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append((abs((date(year, month, day) - anchor).days), year))
        except ValueError:
            continue
    return min(candidates)[1] if candidates else anchor.year


def resolve(text: str, anchor: date | None, tense: str | None = None) -> TimeValue | None:
    """Normalise one time expression. `tense` is the tense of the verb it attaches to
    ('past', 'present', 'future', 'nearest' for a plan made before publication, or None):
    it decides which Tuesday or which December."""
    raw = text
    t = text.lower().strip()
    t = re.sub(r"^(?:on|in|at|by|since|until|from|during|the)\s+", "", t)
    t = re.sub(r"^(?:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+(?:the\s+)?|mid-\s*|mid\s+|"
               r"early\s+|late\s+|earlier\s+|later\s+|fiscal\s+|around\s+)", "", t)
    future = tense == "future"
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
    spoken = _spoken_year(t)
    if spoken:
        return TimeValue(str(spoken), "year", raw)
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
        if direction is None and tense == "nearest":
            after = _weekday(anchor, WEEKDAYS.index(m.group(2)), "this_future")
            before = _weekday(anchor, WEEKDAYS.index(m.group(2)), "recent")
            direction = "this_future" if (after - anchor) < (anchor - before) else "recent"
        day = _weekday(anchor, WEEKDAYS.index(m.group(2)), direction or "recent")
        return TimeValue(day.isoformat(), "day", raw)
    m = re.fullmatch(rf"(last|next|this|past|previous|coming|early|late|mid|earlier this|later this)?\s*-?{_MONTH_RE}(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:[-–]|and|to)\s*\d{{1,2}})?)?", t)
    if m:
        month = _month(m.group(2))
        direction = {"last": "last", "past": "last", "previous": "last", "next": "next",
                     "coming": "next", "this": "this"}.get(m.group(1) or "")
        day_of_month = int(m.group(3)) if m.group(3) else None
        outlook = "future" if future else ("past" if tense == "past" else None)
        year = _year_for_month(anchor, month, direction or outlook, day_of_month)
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
    m = re.fullmatch(rf"{_MONTH_RE}\s+(this|last|next)\s+year", t)
    if m:
        year = anchor.year + {"this": 0, "last": -1, "next": 1}[m.group(2)]
        return TimeValue(f"{year}-{_month(m.group(1)):02d}", "month", raw)
    m = re.fullmatch(r"(\w+)\s+(day|week|month|year)s?\s+(?:ago|earlier|before)", t)
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


def _spoken_year(words: str) -> int | None:
    """'nineteen ninety-six' -> 1996, as broadcast transcripts write years."""
    m = re.fullmatch(r"(nineteen|twenty)\s+(.+)", words.replace("-", " "))
    if not m:
        return None
    rest = parse_number(m.group(2))
    if rest is None or not 10 <= rest <= 99:
        return None
    return (1900 if m.group(1) == "nineteen" else 2000) + rest


def inferred_anchor(ents: list[tuple[str, int, int]]) -> date | None:
    """Without a publication date, the latest fully written date in the text bounds when it
    was written: relative expressions can be read against it, marked as inferred."""
    explicit = [resolve(text, None) for text, _s, _e in ents]
    days = [date.fromisoformat(v.value) for v in explicit if v is not None and v.precision == "day"]
    return max(days) if days else None


def date_events(doc: Document, parsed_ents: list[TimeMention] | None = None) -> None:
    """Give every event of doc a date: the time expression attached to its sentence, else
    the publication date; mark events that only refer back to history. Without a
    publication date, relative expressions are read against the latest explicit date in
    the text and flagged `date_inferred`; events with no expression stay undated."""
    ents = parsed_ents or []
    anchor = date.fromisoformat(doc.published) if doc.published else None
    inferred = inferred_anchor([(m.text, m.start, m.end) for m in ents]) if anchor is None else None
    for event in doc.events:
        _date_event(event, anchor, ents, inferred)


def _date_event(event: Event, anchor: date | None, ents: list[TimeMention],
                inferred: date | None = None) -> None:
    in_sentence = [m for m in ents if event.sentence_start <= m.start < event.sentence_end]
    best: TimeValue | None = None
    used_inferred = False
    trigger_at = event.trigger_start
    for mention in sorted(in_sentence, key=lambda m: abs(m.start - trigger_at)):
        text = mention.text
        # the tense of the expression's own verb, else the event's outlook
        tense = mention.tense or ("future" if event.future else "past")
        value = resolve(text, anchor, tense)
        from_inferred = False
        if value is None and anchor is None and inferred is not None:
            value = resolve(text, inferred, tense)
            from_inferred = value is not None
        if value is not None and value.precision in ("day", "month", "year"):
            best, used_inferred = value, from_inferred
            break
    reference = anchor or inferred
    if best is not None:
        event.date, event.date_precision, event.date_text = best.value, best.precision, best.text
        event.date_inferred = used_inferred
        if reference is not None and best.value[:4].isdigit():
            event.historical = int(best.value[:4]) < reference.year - 1 or (
                best.precision == "day" and date.fromisoformat(best.value) < reference - timedelta(days=365))
    elif anchor is not None:
        event.date, event.date_precision = anchor.isoformat(), "day"
        event.date_text = None
    else:
        event.date, event.date_precision = None, "none"


# ---- TIMEX3 normalisation (TimeBank conventions) ---------------------------------------
_UNITS = {"second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W", "month": "M",
          "year": "Y", "decade": "DE", "century": "CE", "quarter": "Q"}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_MORE_NUMBERS = {"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
                 "eighteen": 18, "nineteen": 19, "couple": 2, "half": 0}
_VAGUE = {"several", "few", "many", "some", "recent", "coming", "the", "past", "next", "last"}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
PRESENT_WORDS = {"now", "currently", "current", "at present", "at the moment", "present", "the present",
                 "nowadays", "these days", "right now", "today's"}
PAST_WORDS = {"the past", "recently", "recent", "previously", "formerly", "once", "earlier", "before",
              "in the past", "lately", "recent days", "recent weeks", "the time", "then"}
FUTURE_WORDS = {"the future", "future", "one day", "someday", "soon", "coming months",
                "the near future", "the near term", "the short term",
                "coming years", "in the future", "later", "the coming months", "the coming years"}


def parse_number(words: str) -> int | None:
    """'twenty four' -> 24, '10' -> 10, 'a' -> 1; None when not a number."""
    words = words.lower().replace("-", " ").strip()
    if words.isdigit():
        return int(words)
    total = 0
    found = False
    for word in words.split():
        if word in ("hundred", "thousand") and found:
            total *= 100 if word == "hundred" else 1000
        elif word in _NUMBER_WORDS:
            total += _NUMBER_WORDS[word]
        elif word in _MORE_NUMBERS:
            total += _MORE_NUMBERS[word]
        elif word in _TENS:
            total += _TENS[word]
        else:
            return None
        found = True
    return total if found else None


def _duration(amount: str | None, unit: str) -> str:
    code = _UNITS[unit]
    n = parse_number(amount) if amount else 1
    if code in ("DE", "CE") and n:  # TimeBank writes decades and centuries in years
        n, code = n * (10 if code == "DE" else 100), "Y"
    n_text = "X" if n is None or n == 0 else str(n)
    if code.startswith("T"):
        return f"PT{n_text}{code[1]}"
    return f"P{n_text}{code}"


def _completed_quarter(anchor: date, shift: int = 0) -> str:
    """The latest quarter that has ended by anchor, shifted by whole quarters: what
    business news means by 'the quarter' and 'the latest quarter'."""
    index = anchor.year * 4 + (anchor.month - 1) // 3 - 1 + shift
    return f"{index // 4}-Q{index % 4 + 1}"


def resolve_timex(text: str, anchor: date | None, tense: str | None = None,
                  quarter_talk: bool = False) -> str | None:
    """A TIMEX3 value for a time expression: dates, weeks, quarters, seasons, decades,
    durations, parts of day, sets ('daily') and the PRESENT/PAST/FUTURE_REF placeholders.
    `quarter_talk` says the sentence is about quarterly figures, where 'a year ago' means
    the same quarter a year before."""
    t = re.sub(r"\s+", " ", text.lower().strip(" .,"))
    t = re.sub(r"^(?:about|around|nearly|almost|some|over|more than|less than|at least|"
               r"no more than|just|only|roughly|within|up to)\s+", "", t)
    if AGE_RE.fullmatch(t):
        return None  # ages ("a 6-year-old") are not time expressions
    if t in PRESENT_WORDS:
        return "PRESENT_REF"
    if t in PAST_WORDS:
        return "PAST_REF"
    if t in FUTURE_WORDS:
        return "FUTURE_REF"
    if t in SET_WORDS:
        return SET_WORDS[t]
    m = re.fullmatch(r"(?:every|each|per) (day|week|month|year|quarter|hour)", t)
    if m:
        return _duration(None, m.group(1))
    if (t in ("today", "this day") or re.fullmatch(r"the (?:first|second|third|\w+th) day", t)) and anchor:
        return anchor.isoformat()
    m = re.fullmatch(r"(?:the )?(?:(early|mid|late) ?-?)?(?:the )?((?:19|20)?\d)0'?s", t)
    if m:
        digits = m.group(2)
        return ("19" + digits if len(digits) == 1 else digits)[:3]
    if anchor is None:
        value = resolve(text, anchor, tense)
        return value.value if value else None
    m = re.fullmatch(r"(this|last|next) year's (first|second|third|fourth) quarter", t)
    if m:
        return f"{anchor.year + {'this': 0, 'last': -1, 'next': 1}[m.group(1)]}-Q{_ORDINALS[m.group(2)]}"
    year_back = re.fullmatch(r"(?:a year ago|a year earlier|year[- ](?:ago|earlier)|"
                             r"the (?:year[- ](?:ago|earlier)|comparable|corresponding|same) "
                             r"(?:\w+ )?(?:quarter|period)(?: a year (?:ago|earlier))?)", t)
    if year_back and quarter_talk:
        return _completed_quarter(anchor, -4)
    m = re.fullmatch(r"(?:the )?(?:(\d{4}) )?(first|second|third|fourth)[ -]quarter(?: of (\d{4}))?", t)
    if m:
        quarter = _ORDINALS[m.group(2)]
        year_text = m.group(1) or m.group(3)
        current = (anchor.month - 1) // 3 + 1
        # a quarter still to come is last year's, unless the verb looks forward
        year = int(year_text) if year_text else anchor.year - (quarter > current and tense != "future")
        return f"{year}-Q{quarter}"
    m = re.fullmatch(r"(the|this|the latest|the current|the most recent|the recent|last|the last|"
                     r"the previous|next|the next) (?:fiscal )?(quarter|period)", t)
    if m and (m.group(2) == "quarter" or quarter_talk):
        word = m.group(1)
        if word in ("this", "the current"):
            return _completed_quarter(anchor, 1)
        if word in ("next", "the next"):
            return _completed_quarter(anchor, 2)
        return _completed_quarter(anchor)  # 'the', 'the latest' and 'last' quarter alike
    if re.fullmatch(r"(?:the )?(?:current |full |same )?(?:fiscal |calendar )?year|"
                    r"(?:the )?(?:end|rest|remainder|balance|start|beginning) of (?:the|this) year|"
                    r"earlier (?:in )?(?:the|this) year|later this year|year[- ]end", t) \
            and t not in ("year", "fiscal year"):
        return str(anchor.year)
    if re.fullmatch(r"the (?:latest|last|previous|prior) fiscal year", t):
        return str(anchor.year - 1)
    m = re.fullmatch(r"(?:(this|last|next|the|this past|this coming) )?(?:early |late )?(spring|summer|fall|autumn|winter)", t)
    if m:
        year = anchor.year - (m.group(1) == "last") + (m.group(1) == "next")
        return f"{year}-{_SEASONS[m.group(2)]}"
    if t in ("the weekend", "this weekend", "weekend", "last weekend", "next weekend", "the past weekend"):
        # the weekend just gone, early in the week or when the verb is past; else the coming one
        back = "last" in t or "past" in t or (
            "next" not in t and tense != "future" and (tense == "past" or anchor.weekday() < 2))
        monday = anchor - timedelta(days=anchor.weekday())
        if back and anchor.weekday() < 5:
            monday -= timedelta(weeks=1)
        if "next" in t:
            monday += timedelta(weeks=1)
        iso = monday.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}-WE"
    m = re.fullmatch(r"(?:at )?(?:(\d{1,2})(?::(\d\d))? ?([ap])\.?m\.?|(noon|midday|midnight))"
                     r"(?: [a-z]{2,4})?,? (.+)", t)
    if m:  # '10 p.m. Wednesday', '5 p.m. EST Nov. 9', 'noon Thursday'
        day_value = resolve(m.group(5), anchor, tense)
        hour = {"noon": 12, "midday": 12, "midnight": 24}[m.group(4)] if m.group(4) else \
            int(m.group(1)) % 12 + (12 if m.group(3) == "p" else 0)
        if day_value is not None and day_value.precision == "day":
            return f"{day_value.value}T{hour:02d}:{m.group(2) or '00'}"
    m = re.fullmatch(rf"(?:(this|last|yesterday|tomorrow|the)\s+)?(?:({'|'.join(WEEKDAYS)})\s+)?"
                     r"(morning|afternoon|evening|night|tonight)", t)
    if m and (m.group(1) in ("this", "last", "yesterday", "tomorrow") or m.group(2)):
        base = resolve(m.group(2), anchor, tense) if m.group(2) else None
        day = date.fromisoformat(base.value) if base else anchor
        if m.group(1) in ("last", "yesterday"):
            day = day - timedelta(days=1)
        elif m.group(1) == "tomorrow":
            day = day + timedelta(days=1)
        return f"{day.isoformat()}T{_PARTS_OF_DAY[m.group(3)]}"
    m = re.fullmatch(r"(?:the )?(?:(past|last|next|coming|first|previous|recent) )?"
                     r"(?:([\w -]+?)[ -])?(second|minute|hour|day|week|month|year|decade|quarter)s?"
                     r"(?:[ -]long)?", t)
    if m and m.group(3) != "quarter":
        amount = (m.group(2) or "").strip()
        qualifier = m.group(1)
        amount = re.sub(r"^(?:a|an)\s+(couple|few)\s+of$", r"\1", amount)
        if amount and parse_number(amount) is None and amount not in _VAGUE:
            amount = ""
        if not amount and qualifier in ("last", "next", "past", "previous", "coming") and \
                m.group(3) in ("week", "month", "year") and not t.endswith("s"):
            value = resolve(t, anchor)
            return value.value if value else None
        if amount in _VAGUE or (not amount and t.endswith("s")) or qualifier == "recent":
            return _duration(None, m.group(3)).replace("1", "X")
        if amount or qualifier or t.startswith(("a ", "an ", "the ")) or m.group(3) == t:
            return _duration(amount or None, m.group(3))
    holiday = re.fullmatch(r"(thanksgiving|christmas|new year's)(?: (day|eve))?", t)
    if holiday:
        return _holiday(holiday.group(1), holiday.group(2), anchor, tense)
    value = resolve(text, anchor, tense)
    if value is None:
        return None
    return value.value


def _holiday(name: str, part: str | None, anchor: date, tense: str | None) -> str:
    """Christmas, New Year's and (US) Thanksgiving: the nearest one, or by tense."""
    def on(year: int) -> date:
        if name == "thanksgiving":  # fourth Thursday of November
            first = date(year, 11, 1)
            return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        if name == "christmas":
            return date(year, 12, 24 if part == "eve" else 25)
        return date(year, 12, 31) if part == "eve" else date(year + 1, 1, 1)
    options = [on(year) for year in (anchor.year - 1, anchor.year, anchor.year + 1)]
    if tense == "past":
        options = [d for d in options if d <= anchor] or options
    elif tense == "future":
        options = [d for d in options if d >= anchor] or options
    return min(options, key=lambda d: abs((d - anchor).days)).isoformat()


AGE_RE = re.compile(r"[\w-]+[ -]years?[ -]old")
SET_WORDS = {"daily": "P1D", "every day": "P1D", "weekly": "P1W", "monthly": "P1M",
             "hourly": "PT1H", "yearly": "P1Y", "nightly": "P1D"}
REF_WORDS_RE = re.compile(
    r"\b(?:now|currently|current|recently|recent|nowadays|the past|the future|daily|weekly|"
    r"hourly|at present|in the future|in the past)\b", re.I)
# Expressions the statistical NER often leaves out; found by pattern instead.
PATTERN_TIMEX_RE = re.compile(
    rf"\b(?:{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?|"
    r"(?:today|yesterday|tomorrow|tonight)|"
    r"(?:this|last|next|the)\s+(?:week|month|year|quarter|weekend)|"
    r"(?:a|one|two|three|\d+)\s+(?:year|month|week|day)s?\s+(?:earlier|ago)|year-(?:earlier|ago)|"
    r"(?:every|each)\s+(?:day|week|month|year|quarter)|an?\s+(?:year|month|week|day)|"
    r"(?<![$\d.,])(?:19|20)\d\d(?![\d%])|(?:thanksgiving|christmas|new year's)(?:\s+(?:day|eve))?|"
    r"the\s+(?:latest|year-earlier|year-ago|comparable)\s+period|"
    r"the\s+(?:first\s+)?(?:three|six|nine)\s+months|the\s+(?:first|second|third|\w+th)\s+day|"
    r"(?:the\s+)?(?:first|second|third|fourth)[ -]quarter)\b", re.I)
FUTURE_AUX = {"will", "shall", "'ll", "wo", "would"}
FUTURE_VERBS = {"plan", "schedule", "expect", "intend", "prepare", "aim", "set", "due"}
PAST_AUX = {"had", "did", "was", "were", "'d"}
TENTATIVE_AUX = {"could", "might", "may"}
SOONEST = ("as soon as", "as early as")
PRESENT_AUX = {"is", "are", "am", "'s", "'re", "do", "does"}


class TimeMention(NamedTuple):
    text: str
    start: int
    end: int
    tense: str | None  # of the verb the expression attaches to
    quarter_talk: bool  # its sentence is about quarterly figures


def _verb_tense(verb: Any, depth: int = 0) -> str | None:
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    lemma = verb.lemma_.lower()
    if auxes & FUTURE_AUX:  # 'will meet', and 'would meet' in reported speech
        return "future"
    past = verb.tag_ == "VBD" or bool(auxes & PAST_AUX) or (verb.tag_ == "VBN" and bool(auxes & {"has", "have", "'ve"}))
    if past and lemma in FUTURE_VERBS and "had" not in auxes:
        return "nearest"  # 'planned a protest on Saturday', 'has scheduled a news conference
        # Thursday': a plan made before publication, for a day either side of it
    if auxes & TENTATIVE_AUX and not auxes & {"have", "has", "had"}:
        return "nearest"  # 'could come Tuesday'
    if past:
        return "past"
    if verb.dep_ == "xcomp" and verb.head.i != verb.i and depth < 2:
        governor = verb.head
        if governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i:
            governor = governor.head  # 'been' in 'had been due to expire'
        governing = _verb_tense(governor, depth + 1)  # 'had been due to expire' is past
        if governing == "nearest":
            return governing  # 'planned to leave on Thursday'
        if governing != "past" and verb.head.lemma_.lower() in FUTURE_VERBS | {"be"}:
            return "future"  # 'is to resume', 'plans to meet'
        return governing
    if lemma in FUTURE_VERBS:
        return "future"
    if verb.tag_ in ("VBZ", "VBP") or auxes & PRESENT_AUX:
        return "present"
    if depth < 2 and verb.dep_ in ("xcomp", "ccomp", "advcl", "conj", "relcl") and verb.head.i != verb.i:
        return _verb_tense(verb.head, depth + 1)
    return None


def tense_of(tokens: Any) -> str | None:
    """Tense of the verb governing a time expression: 'will meet on Friday' -> future,
    'met on Friday' -> past, 'is payable Dec. 15' -> present."""
    before = tokens.doc[max(tokens.start - 3, 0):tokens.start].text.lower()
    if before in SOONEST or tokens[:3].text.lower() in SOONEST:
        return "future"  # 'ready to leave as soon as Tuesday': the next one
    node = tokens.root
    for _ in range(4):
        if node.head.i == node.i:
            break
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return _verb_tense(node)
    return None


def _time_spans(parsed: Any) -> list[Any]:
    """The NER's DATE and TIME entities, with a clock time and its day joined ('9 a.m.
    Tuesday') and a part of the day kept with its day ('Wednesday night')."""
    spans = [e for e in parsed.ents if e.label_ in ("DATE", "TIME")]
    joined: list[Any] = []
    for span in spans:
        if joined and span.start - joined[-1].end <= 1 and "TIME" in (span.label_, joined[-1].label_) and \
                all(t.text in (",", "on") for t in parsed[joined[-1].end:span.start]):
            joined[-1] = parsed[joined[-1].start:span.end]
        else:
            joined.append(span)
    widened = []
    for span in joined:
        tail = _TAIL_RE.match(parsed.text, span.end_char)
        if tail and tail.end() > span.end_char:
            span = parsed.char_span(span.start_char, tail.end(), alignment_mode="expand") or span
        if span.start > 0 and parsed[span.start - 1].lower_ in ("this", "last", "next", "that") and \
                span[0].lower_ in ("year", "week", "month", "quarter"):
            span = parsed[span.start - 1:span.end]  # the NER left out the determiner
        widened.append(span)
    return widened


# what the NER tends to cut off: 'Wednesday| night', 'the year|-ago period',
# "this year|'s third quarter"
_TAIL_RE = re.compile(rf"(?<=day)\s+(?:{'|'.join(_PARTS_OF_DAY)})\b|-(?:ago|earlier)(?:\s+\w+)?\s+(?:period|quarter)\b|"
                      r"'s\s+(?:first|second|third|fourth)\s+quarter\b", re.I)


def time_expressions(parsed: Any) -> list[TimeMention]:
    """Candidate time expressions of a parsed text: the NER's DATE/TIME entities first,
    then deictic words and dates found by pattern (these may overlap an entity the resolver
    cannot read; callers keep the first resolvable one)."""
    # an earnings report talks in quarters throughout: "a year ago" is then a quarter
    quarterly = len(re.findall(r"\bquarter", parsed.text, re.I)) >= 3

    def mention(span: Any) -> TimeMention:
        sentence = span.sent.text.lower()
        return TimeMention(span.text, span.start_char, span.end_char, tense_of(span),
                           quarterly or "quarter" in sentence or "period" in sentence)
    found = [mention(span) for span in _time_spans(parsed)]
    for match in list(REF_WORDS_RE.finditer(parsed.text)) + list(PATTERN_TIMEX_RE.finditer(parsed.text)):
        span = parsed.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None:
            found.append(mention(span)._replace(text=match.group(0), start=match.start(), end=match.end()))
    return found
