"""Clean: raw page -> article text plus metadata (title, date, source, author, dateline).

HTML goes through trafilatura first. Plain text scraped from the web (and trafilatura's own
output) then goes through a block classifier that knows the kinds of junk news pages carry:
icon-name runs, layout breakpoint names, disclaimers and copyright notices, "related
articles" / "editor's choice" / "popular" rails, share/login chrome, photo credits and
reporting credits. Each block is classified on general features (vocabulary, punctuation,
shape, position), never on the text of a particular page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from rapidfuzz import fuzz

from parley.model import Document

# Wire services and outlets whose names mark a document's source when they appear in a
# dateline "(Reuters)", a byline "By Xinhua" or a footer "source: ...".
KNOWN_AGENCIES = (
    "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "Xinhua", "Itar-Tass",
    "TASS", "RIA Novosti", "Interfax", "Anadolu", "Anatolia", "Bloomberg", "BBC", "CNN",
    "Al Jazeera", "UPI", "DPA", "EFE", "ANSA", "Kyodo", "Yonhap", "PTI", "IANS", "RT",
    "Sputnik", "Trend", "APA", "Civil.ge", "Global Research",
)

MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE_PATTERNS = (
    re.compile(rf"\b{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}\.?,?\s+(?:19|20)\d\d\b", re.I),
    re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b"),
    re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d\d\b"),
)
_TIME_RE = re.compile(r"\b\d{1,2}:\d\d(?::\d\d)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*(?:GMT|UTC|[A-Z]{2,4}))?")
_DATE_NOISE_RE = re.compile(
    r"\b(?:\d+\s+(?:years?|months?|days?|hours?|minutes?)\s+ago|updated|published|posted|"
    r"last|modified|on|at|date|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\b", re.I)

BYLINE_RE = re.compile(r"^(?:by|from)\s+(?P<who>[^,.;:]{2,60})[,.]?\s*$", re.I)
FOOTER_SOURCE_RE = re.compile(r"^(?:source|articles? by|written by|author)\s*:\s*(?P<who>.{2,80})$", re.I)
CREDIT_RE = re.compile(
    r"^(?:(?:additional\s+)?reporting|writing|editing|compiled|translated)\s+by\b", re.I)
PHOTO_RE = re.compile(r"^(?:photo|image|picture|video|credit|caption|file photo|graphic)s?\s*[:(|]", re.I)
# "CORFU, Greece (Reuters) - " and "ANKARA, Aug 20 (Xinhua) -- "
DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z .'\-]{1,40}?(?:,\s*[A-Z][A-Za-z .'\-]{1,30}?){0,2})"
    r"(?:,\s*[A-Z][a-z]{2}\.?\s+\d{1,2})?\s*\((?P<agency>[^)]{2,40})\)\s*[-–—:]+\s*")
# "Ankara : Russian Foreign Minister ..." (agency copy without the parenthesised agency)
SHORT_DATELINE_RE = re.compile(r"^(?P<place>[A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'\-]+)?)\s+[:–—-]\s+(?=[A-Z])")

# Headers that open a rail of other stories: everything from the first one on is not the article.
RAIL_HEADERS = re.compile(
    r"^(?:related(?: articles| stories| news| posts| content| coverage)?|editor'?s'? (?:choice|picks?)|"
    r"popular(?: now| stories| articles)?|most (?:read|popular|viewed|shared)|trending(?: now)?|"
    r"read (?:more|next|also)|see also|more (?:from|on|stories|news)\b.*|recommended(?: for you)?|"
    r"you (?:may|might) (?:also )?like|latest (?:news|stories)|top stories|also read|"
    r"sponsored(?: content)?|advertisement|comments?)\s*:?\s*$", re.I)
CHROME_WORDS = {
    "share", "tweet", "email", "print", "login", "log in", "sign in", "sign up", "subscribe",
    "register", "follow us", "comments", "menu", "search", "home", "news", "close", "next",
    "previous", "back to top", "skip to content", "advertisement", "newsletter", "facebook",
    "twitter", "whatsapp", "telegram", "linkedin", "reddit", "copy link", "more", "video",
}
DISCLAIMER_TERMS = (
    "copyright", "all rights reserved", "disclaimer", "fair use", "[email protected]",
    "terms of use", "privacy policy", "cookie", "reproduction", "permission to cross-post",
    "may not be published, broadcast", "sole responsibility of the author",
)
CALL_TO_ACTION_RE = re.compile(
    r"\b(?:click here|follow the link|subscribe to|sign up for|download (?:our|the) app|"
    r"follow us on|share this|watch the (?:video|briefing)|listen to)\b", re.I)
UI_TOKEN_RE = re.compile(r"^(?:[a-z]*icon[a-z\-]*|v-[a-z]+|chevron|[a-z]+-[a-z]+(?:-[a-z]+)*)$")


@dataclass
class Block:
    text: str
    kind: str = "body"  # body | title | date | byline | junk | meta


def parse_date_text(text: str) -> date | None:
    """Parse a date written out in full (with a year); None when there is none."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            import dateparser  # slow import: only when a candidate is found

            parsed = dateparser.parse(
                match.group(0), languages=["en"],
                settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False})
            if isinstance(parsed, datetime):
                return parsed.date()
    return None


def is_date_line(line: str) -> bool:
    """A line that holds a date and little else (a timestamp header)."""
    if len(line) > 80 or not any(p.search(line) for p in _DATE_PATTERNS):
        return False
    rest = line
    for pattern in _DATE_PATTERNS:
        rest = pattern.sub(" ", rest)
    rest = _TIME_RE.sub(" ", rest)
    rest = _DATE_NOISE_RE.sub(" ", rest)
    return len(re.sub(r"[\W\d_]", "", rest)) <= 3


def is_ui_run(line: str) -> bool:
    """Icon names and CSS/layout identifiers: many tokens, almost none of them words of prose."""
    tokens = re.findall(r"[\w\-]+", line.lower())
    if len(tokens) < 3:
        return bool(tokens) and all(UI_TOKEN_RE.match(t) and "-" in t for t in tokens)
    ui = sum(1 for t in tokens if UI_TOKEN_RE.match(t))
    return ui / len(tokens) >= 0.5 and not re.search(r"[.!?]\s", line)


def is_disclaimer(line: str) -> bool:
    lowered = line.lower()
    hits = sum(term in lowered for term in DISCLAIMER_TERMS)
    return hits >= 2 or (hits == 1 and len(line) < 200) or lowered.startswith(("©", "(c) "))


def is_chrome(line: str) -> bool:
    stripped = line.strip(" •·|>-–—:\t").lower()
    if not stripped:
        return True
    if not re.search(r"[^\W\d_]{2}", stripped):
        return True  # counters such as "0 : 0", bare numbers, separators
    parts = [p.strip() for p in re.split(r"[|•·/]", stripped) if p.strip()]
    return bool(parts) and all(p in CHROME_WORDS for p in parts)


SENTENCE_END_RE = re.compile(r"[.!?\"”’»。！？…)]$")
# Scripts written without spaces between words: judge by characters, not words.
UNSPACED_SCRIPT_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def is_prose(line: str) -> bool:
    words = line.split()
    if UNSPACED_SCRIPT_RE.search(line):
        return len(line) >= 25 or (len(line) >= 10 and bool(SENTENCE_END_RE.search(line)))
    return len(words) >= 8 or (len(words) >= 4 and bool(SENTENCE_END_RE.search(line)))


def looks_like_headline(line: str) -> bool:
    """Headlines are short, carry no sentence break and do not end in a full stop."""
    words = line.split()
    return (2 <= len(words) <= 20 and not re.search(r"[.:;,]$", line)
            and not re.search(r"[.!?]\s+[A-Z]", line) and not line.lower().startswith(("by ", "source")))


ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")  # invisible: they split words


def split_blocks(raw: str) -> list[str]:
    """Lines are the blocks of scraped text; bullets and invisible characters are stripped."""
    blocks = []
    raw = ZERO_WIDTH.sub("", raw)
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = re.sub(r"^\s*[•·▪◦*]\s*", "", line)
        line = re.sub(r"[ \t\u00a0]+", " ", line).strip()
        if line:
            blocks.append(line)
    return blocks


def classify_blocks(lines: list[str], extracted: bool = False) -> list[Block]:
    """Label each line. `extracted`: the lines come from an HTML extractor that already
    removed the page layout, so headings, list items and table rows are body."""
    blocks = [Block(line) for line in lines]
    first_prose = next((i for i, b in enumerate(blocks) if is_prose(b.text) and not is_ui_run(b.text)
                        and not is_date_line(b.text) and not looks_like_headline(b.text)),
                       len(blocks))
    body_seen = 0
    for i, block in enumerate(blocks):
        text = block.text
        if is_ui_run(text) or is_chrome(text):
            block.kind = "junk"
        elif is_date_line(text):
            block.kind = "date"
        elif BYLINE_RE.match(text) and i <= first_prose:
            block.kind = "byline"
        elif FOOTER_SOURCE_RE.match(text) or CREDIT_RE.match(text):
            block.kind = "meta"
        elif PHOTO_RE.match(text):
            block.kind = "junk"
        elif is_disclaimer(text) or CALL_TO_ACTION_RE.search(text) and len(text) < 160:
            block.kind = "junk"
        elif RAIL_HEADERS.match(text) and body_seen:
            # a rail of other stories: the rest of the page is not this article
            for rest in blocks[i:]:
                if rest.kind == "body":
                    rest.kind = "junk"
            break
        elif extracted:
            body_seen += is_prose(text)
        elif i < first_prose and (looks_like_headline(text) or not is_prose(text)) and len(text) < 200:
            block.kind = "title"
        elif is_prose(text):
            body_seen += 1
        elif body_seen and len(text.split()) < 4:
            block.kind = "junk"  # short fragments among body paragraphs: section labels
    return blocks


REPEAT_WINDOW = 200  # near-repeats are looked for among this many paragraphs kept before


def drop_repeated(paragraphs: list[str], threshold: float = 92.0) -> list[str]:
    """Keep the first of near-identical paragraphs (rails often repeat one teaser). Short
    paragraphs must match almost exactly: "Vote for Anna" and "Vote for Olga" both stay.
    Exact repeats are found anywhere; near ones within the last REPEAT_WINDOW paragraphs,
    so a huge text costs linear time, not quadratic."""
    kept: list[str] = []
    seen: set[str] = set()
    for para in paragraphs:
        if para in seen:
            continue
        needed = threshold if len(para) >= 200 else max(threshold, 98.0)
        if any(abs(len(para) - len(k)) < 0.2 * max(len(para), len(k)) and
               fuzz.ratio(para, k, score_cutoff=needed) for k in kept[-REPEAT_WINDOW:]):
            continue
        kept.append(para)
        seen.add(para)
    return kept


def credited_author(line: str) -> str:
    """"Additional reporting by A; Writing by B; Editing by C" -> B (the writer), else the first."""
    credits = [part.strip() for part in line.split(";") if " by " in part]
    for part in credits:
        if part.lower().startswith("writing by"):
            return part.split(" by ", 1)[1].strip()
    return credits[0].split(" by ", 1)[1].strip() if credits else line


def find_agency(text: str) -> str | None:
    for agency in sorted(KNOWN_AGENCIES, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(agency)}(?![\w-])", text, re.I if len(agency) > 3 else 0):
            return agency
    return None


def split_dateline(paragraph: str) -> tuple[str | None, str | None, str]:
    """Return (place, agency, rest) for a paragraph opening with a dateline."""
    match = DATELINE_RE.match(paragraph)
    if match and (match.group("place").isupper() or "," in match.group("place")):
        return match.group("place").strip(), match.group("agency").strip(), paragraph[match.end():]
    match = SHORT_DATELINE_RE.match(paragraph)
    if match:
        return match.group("place"), None, paragraph[match.end():]
    return None, None, paragraph


def clean_text(doc: Document, raw_text: str | None = None, extracted: bool = False) -> Document:
    """Fill doc.text and metadata from scraped plain text (or an HTML extractor's output)."""
    blocks = classify_blocks(split_blocks(raw_text if raw_text is not None else doc.raw), extracted)
    titles = [b.text for b in blocks if b.kind == "title"]
    if doc.title is None and titles:
        doc.title = max(titles, key=len) if len(titles) > 1 else titles[0]
    for block in blocks:
        if block.kind == "date" and doc.published is None:
            parsed = parse_date_text(block.text)
            if parsed:
                doc.published, doc.published_precision = parsed.isoformat(), "day"
        elif block.kind == "byline":
            who = BYLINE_RE.match(block.text)
            if who:
                agency = find_agency(who.group("who"))
                if agency and doc.source is None:
                    doc.source = agency
                elif doc.author is None:
                    doc.author = who.group("who").strip()
        elif block.kind == "meta":
            match = FOOTER_SOURCE_RE.match(block.text)
            if match and doc.source is None:
                doc.source = match.group("who").strip()
            elif CREDIT_RE.match(block.text) and doc.author is None:
                doc.author = credited_author(block.text)
    paragraphs = drop_repeated([b.text for b in blocks if b.kind == "body"])
    if paragraphs:
        record_dateline(doc, paragraphs[0])
    if doc.published is None:
        _published_from_prose(doc, paragraphs)
    doc.text = "\n\n".join(paragraphs)
    if not doc.text.strip():
        doc.warnings.append("no article text found after cleaning")
    return doc


def record_dateline(doc: Document, first_paragraph: str) -> None:
    """The dateline stays in the text (it is part of the article); we only record it."""
    place, agency, rest = split_dateline(first_paragraph)
    if place:
        doc.dateline = place
        doc.dateline_end = len(first_paragraph) - len(rest)
        if agency and doc.source is None:
            doc.source = find_agency(agency) or agency


def _published_from_prose(doc: Document, paragraphs: list[str]) -> None:
    """No header date: a dated first paragraph ("Aug 20, 2008 -") still tells us."""
    if paragraphs:
        head = paragraphs[0][:60]
        parsed = parse_date_text(head)
        if parsed and re.match(r"^\W*\w{3,9}\.? \d", head):
            doc.published, doc.published_precision = parsed.isoformat(), "day"


def clean_html(doc: Document) -> Document:
    """Extract the article from HTML with trafilatura, then pass it through the text cleaner."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(doc.raw, with_metadata=True, include_comments=False,
                                             url=doc.url)
    except Exception as err:  # trafilatura raises many kinds on broken markup
        doc.warnings.append(f"HTML extraction failed ({type(err).__name__}); using tag-stripped text")
        result = None
    data = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    text = data.get("text") or ""
    if not text.strip():
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", doc.raw, flags=re.S | re.I)
        text = re.sub(r"<br\s*/?>|</p>|</div>|</h\d>|</li>", "\n", text, flags=re.I)
        text = re.sub(r"<[^>]+>", " ", text)
        import html as html_lib

        text = html_lib.unescape(text)
    for key in ("title", "author", "url"):
        if getattr(doc, key) is None and data.get(key):
            setattr(doc, key, str(data[key]))
    if doc.source is None and data.get("sitename"):
        doc.source = str(data["sitename"])
    if doc.published is None and data.get("date"):
        doc.published, doc.published_precision = str(data["date"])[:10], "day"
    title = doc.title
    clean_text(doc, text, extracted=bool(data.get("text")))
    if title and doc.text.startswith(title):
        doc.text = doc.text[len(title):].lstrip()
        # the title was the first paragraph; the dateline opens the one after it
        doc.dateline, doc.dateline_end = None, 0
        if doc.text:
            record_dateline(doc, doc.text.split("\n\n", 1)[0])
    return doc


def normalise_published(doc: Document) -> None:
    """A publication date given with the document (a JSONL field, a feed entry) as an ISO
    day: '2020-06-04T10:00:00Z', 'June 3, 2020' and RFC 822 dates are all read; one that
    cannot be read is dropped with a warning, never guessed."""
    if doc.published is None:
        return
    given = doc.published.strip()
    iso = re.match(r"((?:19|20)\d\d-\d\d-\d\d)(?:[T ]|$)", given)
    try:
        parsed = date.fromisoformat(iso.group(1)) if iso else parse_date_text(given)
    except ValueError:
        parsed = None
    if parsed is None:
        doc.warnings.append(f"publication date not understood, left out: {given!r}")
        doc.published, doc.published_precision = None, "none"
    else:
        doc.published, doc.published_precision = parsed.isoformat(), "day"


def clean_document(doc: Document) -> Document:
    normalise_published(doc)
    if doc.fmt == "html":
        return clean_html(doc)
    return clean_text(doc)
