"""`parley eval actors`: country and sector of actor phrases.

Two sets: the NGEC actor-resolution expectations (a phrase, sometimes a date, and the
expected country / sector codes) and the actor spans of the PLOVER gold sentences. NGEC's
Wikipedia-title checks are out of scope (Parley has no Wikipedia index) and are not scored.
Each set is scored with the knowledge base as Parley uses it and again without the Phoenix
dictionaries (`_nodict` figures), beside the knowledge base's size and its coverage: the
share of the set's actor names it holds (a person, organisation, state or IGO it knows by
that name, titles aside).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parley.actors import ActorRegistry, load_knowledge, resolve_phrase
from parley.actors.knowledge import KnowledgeBase, name_key
from parley.actors.resolve import is_igo_code, place_in_country, strip_titles
from parley.evaluation.events import CAMEO_TO_ISO3, PLOVER_GOLD
from parley.evaluation.metrics import DataSet, Figure, Scorer, first_record, read_jsonl, run_plan
from parley.model import ActorRef
from parley.nlp import load_nlp

NGEC_EXPECTATIONS = "actors/ngec_actor_resolution_expectations.jsonl"
SCORED_METHODS = {"agent_to_code", "short_text_to_agent", "search_nat"}
# PLOVER renamed CAMEO's health sector HLH to MED (PLOVER manual, sector code note 4).
CAMEO_SECTORS = {"HLH": "MED"}


def igo_matches(code: str, expected: str) -> bool:
    """NGEC writes the EU as EUR and the bodies of the UN system as UNO; PLOVER's gold
    writes any IGO as IGO."""
    if expected == "IGO":
        return True
    kb = load_knowledge()
    return expected == "EUR" if code == "EU" else expected == "UNO" and (code == "UN" or code in kb.un_system)


def person_flags(texts: list[str]) -> list[bool]:
    """Whether each phrase names a person, as the pipeline decides it: spaCy tags the
    phrase's head (its last word) as part of a PERSON entity ("Defense Minister Diego
    Molano" is; "Madras High Court" and "Mariupol" are not)."""
    nlp = load_nlp()
    return [any(e.label_ == "PERSON" and e.end == len(doc) for e in doc.ents)
            for doc in nlp.pipe(texts, batch_size=64)]


def country_matches(ref: ActorRef, expected: str) -> bool:
    """NGEC codes a breakaway region by its parent state; Parley gives it its own code."""
    got = ref.country or ""
    parent = load_knowledge().region_parent.get(got)
    if parent is not None:
        return expected in (got, parent)
    if is_igo_code(got, load_knowledge()):
        return igo_matches(got, expected)
    return CAMEO_TO_ISO3.get(expected, expected) == got


def _day(args: list[str]) -> str | None:
    """The date a check asks about ("2022-01-10", "1 January 2003", "Today"); a check
    without one is read without a date (any of the person's roles, the latest first):
    NGEC's checks mean the day they were written, which they do not record."""
    import dateparser

    text = args[2] if len(args) > 2 else ""
    if not text:
        return None
    if re.match(r"\d{4}-\d\d-\d\d$", text):
        return str(text)
    parsed = dateparser.parse(text, languages=["en"])
    return parsed.date().isoformat() if parsed else None


def with_and_without_dictionaries(score: Callable[[Path, KnowledgeBase], list[Figure]],
                                  names: Callable[[Path], list[str]]) -> Scorer:
    """A scorer that scores with the full knowledge base, again without the dictionaries
    (figures suffixed `_nodict`), and prints the coverage of the set's names by each."""
    def scorer(path: Path, name: str) -> list[Figure]:
        full, bare = load_knowledge(dictionaries=True), load_knowledge(dictionaries=False)
        texts = names(path)
        figures = score(path, full) + [Figure(f.name + "_nodict", f.value) for f in score(path, bare)]
        return figures + [Figure(f"{name}_kb_coverage", coverage(texts, full)),
                          Figure(f"{name}_kb_coverage_nodict", coverage(texts, bare))]
    return scorer


def coverage(texts: list[str], kb: KnowledgeBase) -> float:
    """The share of names (phrases with a capitalised word) that the knowledge base holds."""
    registry = ActorRegistry(kb)
    named = [t for t in texts if re.search(r"\b[A-Z]", t)]
    held = sum(registry.named(t) is not None or kb.lookup(strip_titles(t)) is not None
               or name_key(re.sub(r"^the\s+", "", strip_titles(t), flags=re.I)) in kb.dictionary_orgs
               for t in named)
    return held / len(named) if named else 0.0


def eval_knowledge(path: Path, name: str = "knowledge") -> list[Figure]:
    """The size of the knowledge base, with and without the dictionaries."""
    figures = []
    for suffix, kb in (("", load_knowledge(dictionaries=True)), ("_nodict", load_knowledge(dictionaries=False))):
        people = {id(p) for p in kb.people.values()}
        figures += [Figure(f"kb_people{suffix}", float(len(people))),
                    Figure(f"kb_person_names{suffix}", float(len(kb.people))),
                    Figure(f"kb_organisation_names{suffix}",
                           float(len(kb.dictionary_orgs) + sum(a.kind != "state" for a in kb.aliases.values())))]
    return figures


def _ngec_items(path: Path) -> list[dict[str, Any]]:
    return [item for item in read_jsonl(path) if item["method"] in SCORED_METHODS]


def _plover_actors(path: Path) -> list[dict[str, Any]]:
    return [actor for row in read_jsonl(path) for actor in row["actor"] + row["recipient"]]


def eval_ngec(path: Path, kb: KnowledgeBase) -> list[Figure]:
    registry = ActorRegistry(kb)
    country_hits = country_total = sector_hits = sector_total = 0
    items = _ngec_items(path)
    for item, is_person in zip(items, person_flags([i["args"][0] for i in items]), strict=True):
        text = item["args"][0]
        expected = item["expected"]
        ref = resolve_phrase(text, kb, registry, _day(item["args"]), is_person=is_person)
        context = kb.countries_in(item["args"][1]) if len(item["args"]) > 1 else []
        if context and not is_igo_code(ref.country, kb):
            # the check's context text ("German", "Colombian defense") is the story around
            place_in_country(ref, context[0][0])
        want_country = expected.get("country", expected.get("0"))
        if want_country is not None:
            country_total += 1
            country_hits += country_matches(ref, want_country) if want_country else ref.country is None
        elif "country [NotEq]" in expected:
            country_total += 1
            country_hits += ref.country != expected["country [NotEq]"]
        want_sector = CAMEO_SECTORS.get(expected.get("code_1", ""), expected.get("code_1"))
        if want_sector:
            sector_total += 1
            sector_hits += ref.sector == want_sector
    return [Figure("ngec_country_accuracy", country_hits / country_total if country_total else 0.0),
            Figure("ngec_sector_accuracy", sector_hits / sector_total if sector_total else 0.0),
            Figure("ngec_items_scored", float(country_total))]


def eval_plover_actors(path: Path, kb: KnowledgeBase) -> list[Figure]:
    registry = ActorRegistry(kb)
    country_hits = country_total = sector_hits = sector_total = 0
    actors = _plover_actors(path)
    for actor, is_person in zip(actors, person_flags([a["text"] for a in actors]), strict=True):
        code = actor.get("country_or_code")
        ref = resolve_phrase(actor["text"], kb, registry, is_person=is_person)
        if code and code not in ("***", "NGO"):
            country_total += 1
            country_hits += country_matches(ref, code)
        sector = (actor.get("sector") or "")[:3]
        if sector and sector != "***":
            sector_total += 1
            sector_hits += ref.sector == sector
    return [Figure("plover_actor_country_accuracy", country_hits / country_total if country_total else 0.0),
            Figure("plover_actor_sector_accuracy", sector_hits / sector_total if sector_total else 0.0)]


PLAN = {
    "knowledge": DataSet(NGEC_EXPECTATIONS, eval_knowledge, lambda p: False),
    "ngec": DataSet(NGEC_EXPECTATIONS, with_and_without_dictionaries(
        eval_ngec, lambda p: [i["args"][0] for i in _ngec_items(p)]), lambda p: "method" in first_record(p)),
    "plover": DataSet(PLOVER_GOLD, with_and_without_dictionaries(
        eval_plover_actors, lambda p: [a["text"] for a in _plover_actors(p)]), lambda p: "actor" in first_record(p)),
}


def run(data: Path | None = None, dataset: str = "all") -> list[Figure]:
    return run_plan(PLAN, data, dataset)
