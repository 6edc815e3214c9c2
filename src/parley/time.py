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
from typing import Any

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
    """Year of a month named without one: 'last'/past -> the latest occurrence up to the
    publication month, 'next'/future -> the next one from it."""
    if direction == "last":
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    if direction == "future":
        return anchor.year if month >= anchor.month else anchor.year + 1
    return anchor.year if month <= anchor.month else anchor.year - 1


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
        year = _year_for_month(anchor, month, direction or ("future" if future else None))
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


def inferred_anchor(ents: list[tuple[str, int, int]]) -> date | None:
    """Without a publication date, the latest fully written date in the text bounds when it
    was written: relative expressions can be read against it, marked as inferred."""
    explicit = [resolve(text, None) for text, _s, _e in ents]
    days = [date.fromisoformat(v.value) for v in explicit if v is not None and v.precision == "day"]
    return max(days) if days else None


def date_events(doc: Document, parsed_ents: list[tuple[str, int, int]] | None = None) -> None:
    """Give every event of doc a date: the time expression attached to its sentence, else
    the publication date; mark events that only refer back to history. Without a
    publication date, relative expressions are read against the latest explicit date in
    the text and flagged `date_inferred`; events with no expression stay undated."""
    ents = parsed_ents or []
    anchor = date.fromisoformat(doc.published) if doc.published else None
    inferred = inferred_anchor(ents) if anchor is None else None
    for event in doc.events:
        _date_event(event, anchor, ents, inferred)


def _date_event(event: Event, anchor: date | None, ents: list[tuple[str, int, int]],
                inferred: date | None = None) -> None:
    in_sentence = [(text, start) for text, start, end in ents
                   if event.sentence_start <= start < event.sentence_end]
    best: TimeValue | None = None
    used_inferred = False
    trigger_at = event.trigger_start
    for text, _start in sorted(in_sentence, key=lambda e: abs(e[1] - trigger_at)):
        value = resolve(text, anchor, future=event.future)
        from_inferred = False
        if value is None and anchor is None and inferred is not None:
            value = resolve(text, inferred, future=event.future)
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
PRESENT_WORDS = {"now", "currently", "at present", "at the moment", "present", "the present",
                 "nowadays", "these days", "right now", "today's"}
PAST_WORDS = {"the past", "recently", "previously", "formerly", "once", "earlier", "before",
              "in the past", "lately", "recent days", "recent weeks", "the time", "then"}
FUTURE_WORDS = {"the future", "future", "one day", "someday", "soon", "coming months",
                "coming years", "in the future", "later", "the coming months", "the coming years"}


def parse_number(words: str) -> int | None:
    """'twenty four' -> 24, '10' -> 10, 'a' -> 1; None when not a number."""
    words = words.lower().replace("-", " ").strip()
    if words.isdigit():
        return int(words)
    total = 0
    found = False
    for word in words.split():
        if word in _NUMBER_WORDS:
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
    n_text = "X" if n is None or n == 0 else str(n)
    if code.startswith("T"):
        return f"PT{n_text}{code[1]}"
    return f"P{n_text}{code}"


def resolve_timex(text: str, anchor: date | None, future: bool = False) -> str | None:
    """A TIMEX3 value for a time expression: dates, weeks, quarters, seasons, decades,
    durations, parts of day and the PRESENT/PAST/FUTURE_REF placeholders."""
    t = re.sub(r"\s+", " ", text.lower().strip(" .,"))
    t = re.sub(r"^(?:about|around|nearly|almost|some|over|more than|less than|at least|"
               r"no more than|just|only|roughly|within|up to)\s+", "", t)
    if t in PRESENT_WORDS:
        return "PRESENT_REF"
    if t in PAST_WORDS:
        return "PAST_REF"
    if t in FUTURE_WORDS:
        return "FUTURE_REF"
    if t in ("today", "this day") and anchor:
        return anchor.isoformat()
    m = re.fullmatch(r"(?:the )?(?:(early|mid|late) ?-?)?(?:the )?((?:19|20)?\d)0'?s", t)
    if m:
        digits = m.group(2)
        return ("19" + digits if len(digits) == 1 else digits)[:3]
    m = re.fullmatch(r"(?:the )?(first|second|third|fourth)[ -]quarter", t)
    if m and anchor:
        return f"{anchor.year}-Q{_ORDINALS[m.group(1)]}"
    m = re.fullmatch(r"(the|this|the latest|the current|last|the last|the previous|next|the next) quarter", t)
    if m and anchor:
        shift = -1 if "last" in m.group(1) or "previous" in m.group(1) else (1 if "next" in m.group(1) else 0)
        index = anchor.year * 4 + (anchor.month - 1) // 3 + shift
        return f"{index // 4}-Q{index % 4 + 1}"
    if t == "the current year" and anchor:
        return str(anchor.year)
    m = re.fullmatch(r"(?:(this|last|next|the) )?(?:early |late )?(spring|summer|fall|autumn|winter)", t)
    if m and anchor:
        year = anchor.year - (1 if m.group(1) == "last" else 0) + (1 if m.group(1) == "next" else 0)
        return f"{year}-{_SEASONS[m.group(2)]}"
    if t in ("the weekend", "this weekend", "weekend") and anchor:
        iso = anchor.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}-WE"
    m = re.fullmatch(rf"(?:(this|last|yesterday|tomorrow|the)\s+)?(?:({'|'.join(WEEKDAYS)})\s+)?"
                     r"(morning|afternoon|evening|night|tonight)", t)
    if m and anchor and (m.group(1) in ("this", "last", "yesterday", "tomorrow") or m.group(2)):
        base = resolve(m.group(2), anchor) if m.group(2) else None
        day = date.fromisoformat(base.value) if base else anchor
        if m.group(1) in ("last", "yesterday"):
            day = day - timedelta(days=1)
        elif m.group(1) == "tomorrow":
            day = day + timedelta(days=1)
        return f"{day.isoformat()}T{_PARTS_OF_DAY[m.group(3)]}"
    m = re.fullmatch(r"(?:the )?(?:(past|last|next|coming|first|previous|recent) )?"
                     r"([\w -]+?)?[ -]?(second|minute|hour|day|week|month|year|decade|quarter)s?"
                     r"(?:[ -](?:old|long))?", t)
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
    value = resolve(text, anchor, future=future)
    if value is None:
        return None
    return value.value


REF_WORDS_RE = re.compile(
    r"\b(?:now|currently|recently|previously|formerly|nowadays|the past|the future|"
    r"at present|in the future|in the past)\b", re.I)
# Expressions the statistical NER often leaves out; found by pattern instead.
PATTERN_TIMEX_RE = re.compile(
    rf"\b(?:{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?|"
    r"(?:today|yesterday|tomorrow|tonight)|"
    r"(?:this|last|next|the)\s+(?:week|month|year|quarter|weekend)|"
    r"(?:the\s+)?(?:first|second|third|fourth)[ -]quarter)\b", re.I)
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
FUTURE_VERBS = {"plan", "schedule", "expect", "intend", "prepare", "aim", "set", "due"}


def points_forward(tokens: Any) -> bool:
    """Whether the verb governing a time expression looks forward: 'will meet on Friday',
    'is scheduled for December 17-18'."""
    node = tokens.root
    for _ in range(4):
        if node.head.i == node.i:
            break
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            auxes = {c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass")}
            return bool(auxes & FUTURE_AUX) or node.lemma_.lower() in FUTURE_VERBS or \
                (node.dep_ == "xcomp" and node.head.lemma_.lower() in FUTURE_VERBS)
    return False


def time_expressions(parsed: Any) -> list[tuple[str, int, int, bool]]:
    """(text, start, end, points_forward) of candidate time expressions in a parsed text: the
    NER's DATE/TIME entities first, then deictic words and dates found by pattern (these may
    overlap an entity the resolver cannot read; callers keep the first resolvable one)."""
    found = [(e.text, e.start_char, e.end_char, points_forward(e))
             for e in parsed.ents if e.label_ in ("DATE", "TIME")]
    text = parsed.text
    for match in list(REF_WORDS_RE.finditer(text)) + list(PATTERN_TIMEX_RE.finditer(text)):
        found.append((match.group(0), match.start(), match.end(), False))
    return found
