"""The real-news PLOVER corpus annotated in this project (see docs/annotation.md).

Third-party text never enters the repository: `data/realnews/sentences.jsonl` holds, for each
sampled sentence, a reference (corpus, document id, character offsets into that corpus's text
as read below) and a hash of the sentence; `data/realnews/annotations.jsonl` holds the labels,
with trigger and actor spans as offsets into the sentence. `load_corpus()` rebuilds the
sentences from `../shared` and checks every hash, so a changed source is an error, not a
silent misalignment.

Splits are by document (every sentence of a document is in one split) and stratified by
corpus: test (20 %) is for final figures only, dev (15 %) for choices such as thresholds,
train (65 %) for fitting.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parley.evaluation.metrics import SHARED_DATA
from parley.events.classifier import NO_EVENT
from parley.model import PLOVER_TYPES

REPO_DATA = Path(__file__).resolve().parents[2] / "data" / "realnews"
SENTENCES_FILE = "sentences.jsonl"
ANNOTATIONS_FILE = "annotations.jsonl"
SECOND_PASS_FILE = "second_pass.jsonl"
SPLITS = ("train", "dev", "test")
SPLIT_SHARES = {"test": 0.20, "dev": 0.15, "train": 0.65}

# Sentences per corpus in the sample (documents are drawn at random until the quota is met).
QUOTAS = {"ecbplus": 850, "lgl": 650, "geowebnews": 450, "timebank": 550, "aeb": 350,
          "case2021": 400, "seeds": 10_000}
# More documents for training only, drawn after the splits are fixed: the corpora where
# events are densest weigh most (the extraction benchmark's pages are mostly not news of events).
EXTRA_QUOTAS = {"case2021": 10_000, "ecbplus": 10_000, "timebank": 10_000, "lgl": 500, "geowebnews": 10_000}
# And, for training only, single sentences of the other documents that name an act of a type
# real news rarely reports (words from the PLOVER manual's definitions): a random sample
# teaches too few CONCEDE, COOPERATE or AID sentences. The sample is biased by design, so it
# never enters dev or test; it holds as many such words used in other senses ("support
# staff", "a deal on cars") as events, which the model must learn to tell apart.
CUE_QUOTAS = {"lgl": 1200, "aeb": 400}
# Corpora whose every remaining document joins train, whole (after the cue sentences).
REST_CORPORA = ("lgl",)
CUE_WORDS = re.compile(
    r"\b(agree[sd]?|agreement|accord|pact|treaty|deal|promis\w*|pledg\w*|offer\w*|talks|met|meet\w*|"
    r"visit\w*|summit|phoned|negotiat\w*|mediat\w*|prais\w*|endors\w*|support\w*|backed|"
    r"condolences?|apologi[sz]\w*|pardon\w*|acquit\w*|concession\w*|cooperat\w*|partnership|joint|"
    r"extradit\w*|aid|donat\w*|assist\w*|relief|humanitarian|rescu\w*|asylum|releas\w*|freed|"
    r"withdr\w*|resign\w*|retreat\w*|evacuat\w*|demand\w*|urg\w*|appeal\w*|request\w*|"
    r"reject\w*|refus\w*|veto\w*|denied|denies|threat\w*|warn\w*|ultimatum|protest\w*|"
    r"demonstrat\w*|rall(y|ies|ied)|march\w*|strike|boycott\w*|sanction\w*|embargo|expel\w*|"
    r"suspend\w*|sever\w*|deploy\w*|troops|mobiliz\w*|reinforce\w*)\b", re.IGNORECASE)
MAX_SENTENCES_PER_DOC = 25  # a long page contributes its first 25 sentences (its news part)
MIN_WORDS, MAX_WORDS = 4, 90


def _jsonl(path: Path) -> Iterator[dict]:  # type: ignore[type-arg]
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def corpus_texts(corpus: str, root: Path = SHARED_DATA) -> dict[str, str]:
    """doc_id -> text for one source corpus, read exactly as the offsets refer to it."""
    if corpus == "ecbplus":
        return {r["doc_id"]: r["text"] for r in _jsonl(root / "dedup" / "ecbplus_odd_topics.jsonl")}
    if corpus in ("lgl", "geowebnews"):
        return {r["doc_id"]: r["text"] for r in _jsonl(root / "geo" / f"{corpus}.jsonl")}
    if corpus == "timebank":
        return {r["doc_id"]: r["text"] for r in _jsonl(root / "time" / "tbaq_timex.jsonl")}
    if corpus == "aeb":
        truth = json.loads((root / "extraction" / "scrapinghub-aeb" / "ground-truth.json").read_text("utf-8"))
        return {key: value["articleBody"] for key, value in truth.items()}
    if corpus == "case2021":
        import csv
        with (root / "events" / "case2021_task2_dev.tsv").open(encoding="utf-8") as fh:
            return {r["id"]: r["EventSnippet"] for r in csv.DictReader(fh, delimiter="\t")}
    if corpus == "seeds":
        return {p.name: p.read_text("utf-8") for p in sorted((root.parent / "seeds").glob("*.txt"))}
    raise ValueError(f"unknown corpus {corpus!r}; known: {', '.join(QUOTAS)}")


def sentence_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class SentenceRef:
    sid: str
    corpus: str
    doc_id: str
    start: int
    end: int
    split: str
    sha1: str
    text: str = ""

    def to_json(self) -> dict[str, object]:
        return {"sid": self.sid, "corpus": self.corpus, "doc_id": self.doc_id, "start": self.start,
                "end": self.end, "split": self.split, "sha1": self.sha1}


@dataclass
class GoldActor:
    start: int  # offsets into the sentence
    end: int
    country: str | None
    sector: str | None


@dataclass
class GoldEvent:
    event_type: str
    mode: str | None
    trigger: tuple[int, int]
    source: list[GoldActor] = field(default_factory=list)
    target: list[GoldActor] = field(default_factory=list)
    negated: bool = False
    future: bool = False
    hypothetical: bool = False


@dataclass
class AnnotatedSentence:
    ref: SentenceRef
    events: list[GoldEvent]
    annotator: str

    @property
    def text(self) -> str:
        return self.ref.text

    @property
    def types(self) -> set[str]:
        return {e.event_type for e in self.events} or {NO_EVENT}

    @property
    def main_type(self) -> str:
        """The type of the event the annotator listed first (the main one), else NONE."""
        return self.events[0].event_type if self.events else NO_EVENT


# --- sampling ---------------------------------------------------------------------------

def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: paragraphs by line break, then spaCy's sentences."""
    from parley.nlp import load_nlp

    nlp = load_nlp()
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        chunk = para.group()
        if not chunk.strip():
            continue
        with nlp.select_pipes(enable=["tok2vec", "parser"]):
            parsed = nlp(chunk)
        for sent in parsed.sents:
            body = sent.text.strip()
            if MIN_WORDS <= len(body.split()) <= MAX_WORDS and re.search(r"[a-z]", body):
                offset = chunk.index(body, sent.start_char)
                spans.append((para.start() + offset, para.start() + offset + len(body)))
    return spans


def story_group(corpus: str, doc_id: str) -> str:
    """Documents that report one story go to one split: ECB+ topics ("31_7ecbplus" is topic
    31) gather many articles on the same events; other corpora's documents stand alone."""
    return doc_id.split("_", 1)[0] if corpus == "ecbplus" else doc_id


def _draw(texts: dict[str, str], quota: int, rng: random.Random,
          allowed: Callable[[str], bool] = lambda _doc_id: True) -> list[tuple[str, list[tuple[int, int]]]]:
    """Documents in random order, with their sentences, until the quota of sentences is met."""
    doc_ids = sorted(texts)
    rng.shuffle(doc_ids)
    chosen: list[tuple[str, list[tuple[int, int]]]] = []
    total = 0
    for doc_id in doc_ids:
        if total >= quota:
            break
        if not allowed(doc_id):
            continue
        spans = split_sentences(texts[doc_id])[:MAX_SENTENCES_PER_DOC]
        if spans:
            chosen.append((doc_id, spans))
            total += len(spans)
    return chosen


def _refs(corpus: str, texts: dict[str, str], doc_id: str, spans: list[tuple[int, int]],
          split: str) -> list[SentenceRef]:
    return [SentenceRef(f"{corpus}:{doc_id}:{n}", corpus, doc_id, start, end, split,
                        sentence_hash(texts[doc_id][start:end]), texts[doc_id][start:end])
            for n, (start, end) in enumerate(spans)]


def sample(seed: int = 14, root: Path = SHARED_DATA, quotas: dict[str, int] | None = None,
           extra_quotas: dict[str, int] | None = None,
           cue_quotas: dict[str, int] | None = None,
           rest_corpora: tuple[str, ...] | None = None) -> list[SentenceRef]:
    """Draw documents at random per corpus until its quota of sentences is met and assign
    each story group to a split (stratified by corpus); then draw more documents, for the
    train split only, from groups that are in no other split (`EXTRA_QUOTAS`, seed + 1); then
    single sentences with cue words from documents not drawn (`CUE_QUOTAS`, seed + 2); then
    the rest of the documents of `REST_CORPORA`, for train too."""
    rng = random.Random(seed)
    refs: list[SentenceRef] = []
    all_texts: dict[str, dict[str, str]] = {}
    for corpus, quota in (quotas or QUOTAS).items():
        texts = all_texts[corpus] = corpus_texts(corpus, root)
        chosen = _draw(texts, quota, rng)
        total = sum(len(spans) for _doc, spans in chosen)
        # documents to splits, a story group at a time (ECB+ writes many articles on one
        # event: its topic is the group), filling test, then dev, by sentence share
        order = list(range(len(chosen)))
        rng.shuffle(order)
        group_sentences: dict[str, int] = {}
        for doc_id, spans in chosen:
            group = story_group(corpus, doc_id)
            group_sentences[group] = group_sentences.get(group, 0) + len(spans)
        filled = {"test": 0, "dev": 0}
        group_split: dict[str, str] = {}
        for i in order:
            doc_id, spans = chosen[i]
            group = story_group(corpus, doc_id)
            if group not in group_split:
                group_split[group] = "train"
                for name in ("test", "dev"):
                    if filled[name] < SPLIT_SHARES[name] * total:
                        group_split[group] = name
                        filled[name] += group_sentences[group]
                        break
            refs += _refs(corpus, texts, doc_id, spans, group_split[group])
    extra_rng = random.Random(seed + 1)
    taken = {(r.corpus, r.doc_id) for r in refs}
    held_out = {(r.corpus, story_group(r.corpus, r.doc_id)) for r in refs if r.split != "train"}
    for corpus, quota in (extra_quotas if extra_quotas is not None else EXTRA_QUOTAS).items():
        texts = all_texts.get(corpus) or corpus_texts(corpus, root)
        for doc_id, spans in _draw(texts, quota, extra_rng, _free_for_train(corpus, taken, held_out)):
            refs += _refs(corpus, texts, doc_id, spans, "train")
    cue_rng = random.Random(seed + 2)
    taken = {(r.corpus, r.doc_id) for r in refs}
    for corpus, quota in (cue_quotas if cue_quotas is not None else CUE_QUOTAS).items():
        texts = all_texts.get(corpus) or corpus_texts(corpus, root)
        refs += _cue_sentences(corpus, texts, quota, cue_rng, _free_for_train(corpus, taken, held_out))
    # last, the rest of the corpora in REST_CORPORA: every document not drawn whole, up to
    # its first MAX_SENTENCES_PER_DOC sentences, less those the cue words took
    have = {r.sid for r in refs}
    for corpus in (rest_corpora if rest_corpora is not None else REST_CORPORA):
        texts = all_texts.get(corpus) or corpus_texts(corpus, root)
        free = _free_for_train(corpus, taken, held_out)
        for doc_id in filter(free, sorted(texts)):
            spans = split_sentences(texts[doc_id])[:MAX_SENTENCES_PER_DOC]
            refs += [r for r in _refs(corpus, texts, doc_id, spans, "train") if r.sid not in have]
    return refs


def _free_for_train(corpus: str, taken: set[tuple[str, str]],
                    held_out: set[tuple[str, str]]) -> Callable[[str], bool]:
    """Whether a document of `corpus` may still be drawn for train: not drawn already, and
    not of a story group that is in dev or test."""
    def free(doc_id: str) -> bool:
        return (corpus, doc_id) not in taken and (corpus, story_group(corpus, doc_id)) not in held_out

    return free


def _cue_sentences(corpus: str, texts: dict[str, str], quota: int, rng: random.Random,
                   allowed: Callable[[str], bool]) -> list[SentenceRef]:
    """Up to `quota` sentences with a cue word, drawn at random from allowed documents."""
    found: list[SentenceRef] = []
    for doc_id in sorted(texts):
        if not allowed(doc_id):
            continue
        spans = split_sentences(texts[doc_id])
        found += [ref for ref in _refs(corpus, texts, doc_id, spans, "train")
                  if CUE_WORDS.search(ref.text)]
    rng.shuffle(found)
    chosen = {ref.sid for ref in found[:quota]}
    return [ref for ref in found if ref.sid in chosen]  # in document order


def write_sample(refs: list[SentenceRef], directory: Path = REPO_DATA) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SENTENCES_FILE
    with path.open("w", encoding="utf-8") as fh:
        for ref in refs:
            fh.write(json.dumps(ref.to_json()) + "\n")
    return path


# --- loading ----------------------------------------------------------------------------

class CorpusError(ValueError):
    """The shared sources do not give back the sentences the references name."""


def load_sentences(directory: Path = REPO_DATA, root: Path = SHARED_DATA) -> list[SentenceRef]:
    """The sampled sentences, rebuilt from ../shared and checked against their hashes."""
    refs = [SentenceRef(**row) for row in _jsonl(directory / SENTENCES_FILE)]
    texts: dict[str, dict[str, str]] = {}
    for ref in refs:
        if ref.corpus not in texts:
            texts[ref.corpus] = corpus_texts(ref.corpus, root)
        doc = texts[ref.corpus].get(ref.doc_id)
        if doc is None:
            raise CorpusError(f"{ref.sid}: document {ref.doc_id!r} is not in {ref.corpus}")
        ref.text = doc[ref.start:ref.end]
        if sentence_hash(ref.text) != ref.sha1:
            raise CorpusError(f"{ref.sid}: the text at {ref.start}-{ref.end} has changed")
    return refs


def _actor(row: dict) -> GoldActor:  # type: ignore[type-arg]
    return GoldActor(row["start"], row["end"], row.get("country"), row.get("sector"))


def _event(row: dict) -> GoldEvent:  # type: ignore[type-arg]
    if row["type"] not in PLOVER_TYPES:
        raise CorpusError(f"unknown event type {row['type']!r}")
    return GoldEvent(row["type"], row.get("mode"), tuple(row["trigger"]),  # type: ignore[arg-type]
                     [_actor(a) for a in row.get("source", [])], [_actor(a) for a in row.get("target", [])],
                     bool(row.get("negated")), bool(row.get("future")), bool(row.get("hypothetical")))


def load_annotations(name: str = ANNOTATIONS_FILE, directory: Path = REPO_DATA,
                     root: Path = SHARED_DATA, split: str | None = None) -> list[AnnotatedSentence]:
    """Annotated sentences (of one split, or all), in corpus order."""
    refs = {ref.sid: ref for ref in load_sentences(directory, root)}
    out: list[AnnotatedSentence] = []
    for row in _jsonl(directory / name):
        ref = refs.get(row["sid"])
        if ref is None:
            raise CorpusError(f"annotation for unknown sentence {row['sid']!r}")
        if split is None or ref.split == split:
            out.append(AnnotatedSentence(ref, [_event(e) for e in row["events"]], row.get("annotator", "")))
    return out


# --- importing annotators' files ----------------------------------------------------------

def _occurrences(text: str, span: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(span), text)]


def _locate(text: str, span: str, near: int, nth: int | None = None) -> tuple[int, int]:
    """Offsets of span in text: the nth occurrence when given, else the one nearest `near`."""
    found = _occurrences(text, span) if span else []
    if not found:
        raise ValueError(f"span {span!r} is not in the sentence")
    if nth is not None:
        if not 1 <= nth <= len(found):
            raise ValueError(f"span {span!r} has no occurrence {nth}")
        start = found[nth - 1]
    else:
        start = min(found, key=lambda i: abs(i - near))
    return start, start + len(span)


def _stored_event(text: str, row: dict) -> dict:  # type: ignore[type-arg]
    if row.get("type") not in PLOVER_TYPES:
        raise ValueError(f"unknown event type {row.get('type')!r}")
    trigger = _locate(text, row.get("trigger") or "", 0, row.get("trigger_occurrence"))

    def actors(items: list | None) -> list[dict]:  # type: ignore[type-arg]
        out = []
        for item in items or []:
            start, end = _locate(text, item.get("text") or "", trigger[0])
            out.append({"start": start, "end": end, "country": item.get("country") or None,
                        "sector": item.get("sector") or None})
        return out

    return {"type": row["type"], "mode": row.get("mode") or None, "trigger": list(trigger),
            "source": actors(row.get("source")), "target": actors(row.get("target")),
            "negated": bool(row.get("negated")), "future": bool(row.get("future")),
            "hypothetical": bool(row.get("hypothetical"))}


def import_annotations(files: list[Path], annotator: str, second_pass: bool = False,
                       directory: Path = REPO_DATA, root: Path = SHARED_DATA) -> tuple[int, list[str]]:
    """Store annotators' rows (spans as text) as offsets, replacing earlier rows of the same
    sentences. Returns (rows stored, problems): a row with a span not in its sentence is
    skipped whole and reported, never guessed."""
    refs = {ref.sid: ref for ref in load_sentences(directory, root)}
    target = directory / (SECOND_PASS_FILE if second_pass else ANNOTATIONS_FILE)
    stored: dict[str, dict] = {}  # type: ignore[type-arg]
    if target.exists():
        stored = {row["sid"]: row for row in _jsonl(target)}
    problems: list[str] = []
    for path in files:
        for row in _jsonl(path):
            ref = refs.get(row.get("sid", ""))
            if ref is None:
                problems.append(f"{path.name}: unknown sentence {row.get('sid')!r}")
                continue
            try:
                events = [_stored_event(ref.text, e) for e in row.get("events", [])]
            except ValueError as err:
                problems.append(f"{ref.sid}: {err}")
                continue
            stored[ref.sid] = {"sid": ref.sid, "annotator": annotator, "events": events}
    order = {sid: i for i, sid in enumerate(refs)}
    with target.open("w", encoding="utf-8") as fh:
        for sid in sorted(stored, key=lambda s: order.get(s, len(order))):
            fh.write(json.dumps(stored[sid]) + "\n")
    return len(stored), problems


# --- statistics and agreement -------------------------------------------------------------

def corpus_stats(directory: Path = REPO_DATA, root: Path = SHARED_DATA) -> list[str]:
    from collections import Counter

    sentences = load_annotations(directory=directory, root=root)
    lines = [f"{'corpus':<11} {'split':<5} {'docs':>5} {'sentences':>9} {'with events':>11} {'events':>6}"]
    groups: dict[tuple[str, str], list[AnnotatedSentence]] = {}
    for s in sentences:
        groups.setdefault((s.ref.corpus, s.ref.split), []).append(s)
    for (corpus, split), items in sorted(groups.items()):
        lines.append(f"{corpus:<11} {split:<5} {len({s.ref.doc_id for s in items}):>5} {len(items):>9} "
                     f"{sum(bool(s.events) for s in items):>11} {sum(len(s.events) for s in items):>6}")
    types = Counter(e.event_type for s in sentences for e in s.events)
    lines.append(f"total: {len(sentences)} sentences, {sum(bool(s.events) for s in sentences)} with events, "
                 f"{sum(types.values())} events")
    lines.append("types: " + ", ".join(f"{t} {n}" for t, n in types.most_common()))
    return lines


def cohen_kappa(a: list[str], b: list[str]) -> float:
    from collections import Counter

    n = len(a)
    if n == 0:
        return 0.0
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _span_f1(first: list[list[tuple[int, int]]], second: list[list[tuple[int, int]]]) -> float:
    """F1 of the second annotator's spans against the first's, a span matching an
    overlapping one (each matched once)."""
    tp = n_first = n_second = 0
    for a, b in zip(first, second, strict=True):
        n_first += len(a)
        n_second += len(b)
        free = list(a)
        for span in b:
            hit = next((x for x in free if _overlap(x, span)), None)
            if hit is not None:
                free.remove(hit)
                tp += 1
    return 2 * tp / (n_first + n_second) if n_first + n_second else 1.0


def agreement(directory: Path = REPO_DATA, root: Path = SHARED_DATA) -> list:  # type: ignore[type-arg]
    """The second, independent pass against the first on the sentences both annotated:
    Cohen's kappa on the main event's type (NONE for no event) and on whether there is an
    event, F1 of the type sets, and F1 of trigger and actor spans (overlap)."""
    from parley.evaluation.metrics import Figure

    if not (directory / SECOND_PASS_FILE).exists():
        return []
    first = {s.ref.sid: s for s in load_annotations(ANNOTATIONS_FILE, directory, root)}
    second = [s for s in load_annotations(SECOND_PASS_FILE, directory, root) if s.ref.sid in first]
    pairs = [(first[s.ref.sid], s) for s in second]

    from parley.evaluation.metrics import label_set_f1

    def spans(s: AnnotatedSentence, what: str) -> list[tuple[int, int]]:
        if what == "trigger":
            return [e.trigger for e in s.events]
        return [(a.start, a.end) for e in s.events for a in getattr(e, what)]

    return [
        Figure("agreement_sentences", float(len(pairs))),
        Figure("agreement_main_type_kappa", cohen_kappa([a.main_type for a, _ in pairs], [b.main_type for _, b in pairs])),
        Figure("agreement_event_kappa", cohen_kappa([str(bool(a.events)) for a, _ in pairs],
                                                    [str(bool(b.events)) for _, b in pairs])),
        Figure("agreement_main_type_accuracy", sum(a.main_type == b.main_type for a, b in pairs) / max(1, len(pairs))),
        Figure("agreement_type_macro_f1", label_set_f1([{e.event_type for e in a.events} for a, _ in pairs],
                                                       [{e.event_type for e in b.events} for _, b in pairs],
                                                       (*PLOVER_TYPES, NO_EVENT))),
        Figure("agreement_trigger_f1", _span_f1([spans(a, "trigger") for a, _ in pairs],
                                                [spans(b, "trigger") for _, b in pairs])),
        Figure("agreement_source_f1", _span_f1([spans(a, "source") for a, _ in pairs],
                                               [spans(b, "source") for _, b in pairs])),
        Figure("agreement_target_f1", _span_f1([spans(a, "target") for a, _ in pairs],
                                               [spans(b, "target") for _, b in pairs])),
    ]
