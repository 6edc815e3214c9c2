"""`parley eval events`: event type, actors and sectors on the PLOVER gold standard, the
ConfliBERT CAMEO penta-class test set and the CASE 2021 task 2 dev split.

Each gold item is one sentence; Parley codes it like any text and its *main* event (the
highest trigger in the parse) is compared with the gold label.
"""

from __future__ import annotations

import csv
from pathlib import Path

from parley.actors import ActorRegistry, load_knowledge
from parley.actors.phoenix import CAMEO_TO_ISO3  # (the PLOVER gold keeps a few CAMEO codes)
from parley.actors.resolve import is_igo_code
from parley.evaluation.metrics import DataSet, Figure, accuracy, first_record, macro_f1, read_jsonl, run_plan
from parley.evaluation.realnews import eval_realnews
from parley.events.coder import main_event
from parley.model import ActorRef, Document, Event, content_hash
from parley.realnews import ANNOTATIONS_FILE, REPO_DATA

PLOVER_GOLD = "events/plover_gsr_cameo_normalized.jsonl"
CONFLIBERT = "events/conflibert_cameo_pentaclass_test.jsonl"
CASE2021 = "events/case2021_task2_dev.tsv"
NO_EVENT = "NONE"

# PLOVER type -> CAMEO penta class (0: 01-02 statement/appeal, 1: 03-05 intent/consult/
# diplomatic cooperation, 2: 06-08 material cooperation/aid/yield, 3: 09-13 and 16
# investigate/demand/disapprove/reject/threaten/reduce relations, 4: 14, 15, 17-20 protest,
# force posture, coerce, assault, fight). REQUEST splits: appeals are 02, demands are 10.
PENTA = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "COOPERATE": 2, "AID": 2, "CONCEDE": 2,
         "RETREAT": 2, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "SANCTION": 3, "PROTEST": 4,
         "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}

# CASE 2021 (ACLED-style) subtypes -> PLOVER. Types with no PLOVER event (disasters,
# organised crime, "other") map to NONE and are scored as "no event expected".
CASE_TO_PLOVER = {
    "ARMED_CLASH": "ASSAULT", "AIR_STRIKE": "ASSAULT", "ART_MISS_ATTACK": "ASSAULT",
    "ATTACK": "ASSAULT", "GRENADE": "ASSAULT", "SUIC_BOMB": "ASSAULT", "REM_EXPLOS": "ASSAULT",
    "CHEM_WEAP": "ASSAULT", "SEX_VIOL": "ASSAULT", "ABDUCT_DISSAP": "ASSAULT",
    "MOB_VIOL": "ASSAULT", "PROPERTY_DISTRUCT": "ASSAULT", "FORCE_AGAINST_PROTEST": "ASSAULT",
    "GOV_REGAINS_TERIT": "ASSAULT", "NON_STATE_ACTOR_OVERTAKES_TER": "ASSAULT",
    "PEACE_PROTEST": "PROTEST", "PROTEST_WITH_INTER": "PROTEST", "VIOL_DEMONSTR": "PROTEST",
    "ARREST": "COERCE", "DISR_WEAP": "COERCE", "AGREEMENT": "AGREE", "DIPLO": "CONSULT",
    "NON_VIOL_TERRIT_TRANSFER": "RETREAT", "HQ_ESTABLISHED": "MOBILIZE",
    "CHANGE_TO_GROUP_ACT": "MOBILIZE", "ATTRIB": "ACCUSE",  # (Parley codes a claimed attack as the attack)
    "ORG_CRIME": NO_EVENT, "MAN_MADE_DISASTER": NO_EVENT, "NATURAL_DISASTER": NO_EVENT,
    "OTHER": NO_EVENT,
}


def code_sentences(texts: list[str]) -> list[list[Event]]:
    """Code each text as its own document (no cleaning: gold sentences are clean)."""
    from parley.pipeline import process_documents

    docs = [Document(doc_id=content_hash(f"{i}:{t}"), origin=f"gold#{i}", raw=t, fmt="txt")
            for i, t in enumerate(texts)]
    process_documents(docs, ActorRegistry(load_knowledge()), clean=False)
    return [d.events for d in docs]


def predicted_type(events: list[Event]) -> str:
    event = main_event(events)
    return event.event_type if event else NO_EVENT


def _country_code(ref: ActorRef) -> str | None:
    """Compare as the gold does: IGOs as 'IGO', NGOs as 'NGO', else the ISO3 code."""
    if is_igo_code(ref.country, load_knowledge()):
        return "IGO"
    if ref.sector == "NGO" and not ref.country:
        return "NGO"
    return ref.country


def _gold_country(code: str | None) -> str | None:
    return CAMEO_TO_ISO3.get(code, code) if code else None


def eval_plover(path: Path, name: str = "plover") -> list[Figure]:
    rows = read_jsonl(path)
    coded = code_sentences([r["text"] for r in rows])
    gold = [r["event_polecat16"] for r in rows]
    pred = [predicted_type(e) for e in coded]
    src_hits = src_total = tgt_hits = tgt_total = sec_hits = sec_total = 0
    for row, events in zip(rows, coded, strict=True):
        event = main_event(events)
        sources = [_country_code(a) for a in event.source] if event else []
        targets = [_country_code(a) for a in event.target] if event else []
        gold_src = [_gold_country(a["country_or_code"]) for a in row["actor"] if a["country_or_code"]]
        gold_tgt = [_gold_country(a["country_or_code"]) for a in row["recipient"] if a["country_or_code"]]
        if gold_src:
            src_total += 1
            src_hits += bool(sources) and sources[0] in gold_src
        if gold_tgt:
            tgt_total += 1
            tgt_hits += bool(targets) and targets[0] in gold_tgt
        gold_sectors = [a["sector"][:3] for a in row["actor"] if a.get("sector") and a["sector"] != "***"]
        if gold_sectors:
            sec_total += 1
            sec_hits += bool(event and event.source) and event is not None and \
                event.source[0].sector in gold_sectors
    return [
        Figure("plover_type_accuracy", accuracy(gold, pred)),
        Figure("plover_type_macro_f1", macro_f1(gold, pred)),
        Figure("plover_source_country_accuracy", src_hits / src_total if src_total else 0.0),
        Figure("plover_target_country_accuracy", tgt_hits / tgt_total if tgt_total else 0.0),
        Figure("plover_source_sector_accuracy", sec_hits / sec_total if sec_total else 0.0),
    ]


def penta_of(event_type: str | None, mode: str | None) -> int:
    """The CAMEO penta class of a PLOVER type and mode; no event is a statement (CAMEO 01)."""
    if event_type is None:
        return 0
    if event_type == "REQUEST":
        return 3 if mode in ("change", "yield") else 0
    return PENTA[event_type]


def penta_class(events: list[Event]) -> int:
    event = main_event(events)
    return penta_of(event.event_type, event.mode) if event else penta_of(None, None)


def eval_conflibert(path: Path, name: str = "conflibert") -> list[Figure]:
    rows = read_jsonl(path)
    coded = code_sentences([r["text"] for r in rows])
    gold = [str(r["penta_label"]) for r in rows]
    pred = [str(penta_class(e)) for e in coded]
    return [Figure("conflibert_penta_accuracy", accuracy(gold, pred)),
            Figure("conflibert_penta_macro_f1", macro_f1(gold, pred))]


def eval_case2021(path: Path, name: str = "case2021") -> list[Figure]:
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r.get("SubType") in CASE_TO_PLOVER]
    coded = code_sentences([r["EventSnippet"] for r in rows])
    gold = [CASE_TO_PLOVER[r["SubType"]] for r in rows]
    pred = [predicted_type(e) for e in coded]
    return [Figure("case2021_plover_accuracy", accuracy(gold, pred)),
            Figure("case2021_plover_macro_f1", macro_f1(gold, pred))]


PLAN = {
    "plover": DataSet(PLOVER_GOLD, eval_plover,
                      lambda p: p.suffix != ".tsv" and "event_polecat16" in first_record(p)),
    "conflibert": DataSet(CONFLIBERT, eval_conflibert,
                          lambda p: p.suffix != ".tsv" and "penta_label" in first_record(p)),
    "case2021": DataSet(CASE2021, eval_case2021, lambda p: p.suffix == ".tsv"),
    "realnews": DataSet(str(REPO_DATA), lambda p, _name: eval_realnews(p),
                        lambda p: p.is_dir() and (p / ANNOTATIONS_FILE).exists()),
}


def run(data: Path | None = None, dataset: str = "all") -> list[Figure]:
    return run_plan(PLAN, data, dataset)
