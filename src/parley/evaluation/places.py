"""`parley eval places`: geoparsing on LGL and GeoWebNews.

Two figures per corpus: accuracy within 161 km (100 miles) when given the gold place
mentions (resolution alone), and end-to-end F1 (Parley finds the places itself; a found
place counts when it overlaps a gold mention and lies within 161 km of it). Also the share
of gold mentions resolved to the gold GeoNames id where the gold has one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parley.evaluation.metrics import DataSet, Figure, prf, read_jsonl, run_plan
from parley.nlp import load_nlp
from parley.places import context_from_names, haversine_km, load_gazetteer, resolve_names

CORPORA = {"lgl": "geo/lgl.jsonl", "geowebnews": "geo/geowebnews.jsonl"}
KM = 161.0


def _gold(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in doc["toponyms"] if t.get("lat") is not None and t.get("non_locational") != "Yes"]


def gazetteer_ids() -> set[str]:
    """The GeoNames ids of every entry in Parley's offline gazetteer."""
    return {str(c.place.geonames_id) for cands in load_gazetteer().by_name.values() for c in cands}


def score_corpus(path: Path, name: str) -> list[Figure]:
    docs = read_jsonl(path)
    nlp = load_nlp()
    close = total = id_hits = id_total = covered = covered_hits = 0
    known_ids = gazetteer_ids()
    tp = n_sys = n_gold = 0
    for doc, parsed in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=8), strict=True):
        gold = _gold(doc)
        # NORP too: both corpora annotate nationality adjectives ("Sudanese") as toponyms
        ents = [e for e in parsed.ents if e.label_ in ("GPE", "LOC", "FAC", "NORP")]
        names = [t["surface"] for t in gold] + [e.text for e in ents]
        resolved = resolve_names(names, context_from_names(names))
        for top in gold:
            total += 1
            place = resolved[top["surface"]]
            if place is not None and place.lat is not None:
                close += haversine_km(place.lat, place.lon or 0.0, top["lat"], top["lon"]) <= KM
            if top.get("geonameid"):
                id_total += 1
                hit = place is not None and str(place.geonames_id) == str(top["geonameid"])
                id_hits += hit
                if str(top["geonameid"]) in known_ids:
                    covered += 1
                    covered_hits += hit
        # end to end: our own mentions
        own = [e.text for e in ents]
        resolved_e2e = resolve_names(own, context_from_names(own))
        n_gold += len(gold)
        used: set[int] = set()
        for ent in ents:
            place = resolved_e2e[ent.text]
            if place is None or place.lat is None:
                continue
            n_sys += 1
            for i, top in enumerate(gold):
                if i in used or not (top["start"] < ent.end_char and ent.start_char < top["end"]):
                    continue
                if haversine_km(place.lat, place.lon or 0.0, top["lat"], top["lon"]) <= KM:
                    used.add(i)
                    tp += 1
                    break
    precision, recall, f1 = prf(tp, n_sys - tp, n_gold - tp)
    return [Figure(f"{name}_accuracy_161km_given_mentions", close / total if total else 0.0),
            Figure(f"{name}_geonameid_exact_given_mentions", id_hits / id_total if id_total else 0.0),
            Figure(f"{name}_gold_entry_in_gazetteer", covered / id_total if id_total else 0.0),
            Figure(f"{name}_geonameid_exact_where_gazetteer_has_it", covered_hits / covered if covered else 0.0),
            Figure(f"{name}_e2e_precision_161km", precision), Figure(f"{name}_e2e_recall_161km", recall),
            Figure(f"{name}_e2e_f1_161km", f1)]


def run(data: Path | None = None, dataset: str = "all") -> list[Figure]:
    # both corpora share one format: --data scores any file of it under its own name
    plan = {name: DataSet(default, score_corpus) for name, default in CORPORA.items()}
    if data is not None and dataset == "all":
        dataset = "lgl"
    return run_plan(plan, data, dataset)
