"""`parley eval actors`: country and sector of actor phrases.

Two sets: the NGEC actor-resolution expectations (a phrase, sometimes a date, and the
expected country / sector codes) and the actor spans of the PLOVER gold sentences. NGEC's
Wikipedia-title checks are out of scope (Parley has no Wikipedia index) and are not scored.
"""

from __future__ import annotations

import re
from pathlib import Path

from parley.actors import ActorRegistry, load_knowledge, resolve_phrase
from parley.actors.resolve import is_igo_code, place_in_country
from parley.evaluation.events import CAMEO_TO_ISO3, PLOVER_GOLD
from parley.evaluation.metrics import DataSet, Figure, first_record, read_jsonl, run_plan
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


def eval_ngec(path: Path, name: str = "ngec") -> list[Figure]:
    kb = load_knowledge()
    registry = ActorRegistry(kb)
    country_hits = country_total = sector_hits = sector_total = 0
    items = [item for item in read_jsonl(path) if item["method"] in SCORED_METHODS]
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


def eval_plover_actors(path: Path, name: str = "plover") -> list[Figure]:
    kb = load_knowledge()
    registry = ActorRegistry(kb)
    country_hits = country_total = sector_hits = sector_total = 0
    actors = [actor for row in read_jsonl(path) for actor in row["actor"] + row["recipient"]]
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
    "ngec": DataSet(NGEC_EXPECTATIONS, eval_ngec, lambda p: "method" in first_record(p)),
    "plover": DataSet(PLOVER_GOLD, eval_plover_actors, lambda p: "actor" in first_record(p)),
}


def run(data: Path | None = None, dataset: str = "all") -> list[Figure]:
    return run_plan(PLAN, data, dataset)
