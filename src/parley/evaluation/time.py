"""`parley eval time`: TempEval-3 style evaluation on TimeBank/AQUAINT time expressions.

Parley finds time expressions with spaCy (DATE/TIME entities) and normalises them against
the document creation time with `parley.time.resolve_timex`. Scored as in TempEval-3:
a system expression matches a gold one when their spans overlap (relaxed match); value
precision/recall count matched expressions whose normalised value is identical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from parley.evaluation.metrics import Figure, default_data, prf, read_jsonl
from parley.nlp import load_nlp
from parley.time import resolve_timex, time_expressions

TBAQ = "time/tbaq_timex.jsonl"


def extract_timexes(text: str, dct: date | None, nlp_doc: Any | None = None) -> list[tuple[int, int, str]]:
    doc = nlp_doc if nlp_doc is not None else load_nlp()(text)
    found: list[tuple[int, int, str]] = []
    for mention in time_expressions(doc):
        if any(s < mention.end and mention.start < e for s, e, _v in found):
            continue
        value = resolve_timex(mention.text, dct, mention.tense, mention.quarter_talk)
        if value is not None:
            found.append((mention.start, mention.end, value))
    return found


def run(data: Path | None = None, dataset: str = "all") -> list[Figure]:
    path = data or default_data(TBAQ)
    if not path.exists():
        raise FileNotFoundError(f"evaluation data not found: {path}")
    rows = read_jsonl(path)
    nlp = load_nlp()
    span_tp = n_sys = n_gold = value_tp = 0
    texts = [r["text"] for r in rows]
    for row, parsed in zip(rows, nlp.pipe(texts, batch_size=8), strict=True):
        dct = date.fromisoformat(row["dct"][:10]) if row.get("dct") else None
        system = extract_timexes(row["text"], dct, parsed)
        gold = [(t["start"], t["end"], t["value"]) for t in row["timexes"]]
        n_sys += len(system)
        n_gold += len(gold)
        used: set[int] = set()
        for start, end, value in system:
            match = next((i for i, (gs, ge, _v) in enumerate(gold)
                          if i not in used and gs < end and start < ge), None)
            if match is None:
                continue
            used.add(match)
            span_tp += 1
            value_tp += value == gold[match][2]
    span_p, span_r, span_f = prf(span_tp, n_sys - span_tp, n_gold - span_tp)
    value_p, value_r, value_f = prf(value_tp, n_sys - value_tp, n_gold - value_tp)
    return [Figure("timex_relaxed_span_precision", span_p), Figure("timex_relaxed_span_recall", span_r),
            Figure("timex_relaxed_span_f1", span_f), Figure("timex_value_precision", value_p),
            Figure("timex_value_recall", value_r), Figure("timex_value_f1", value_f),
            Figure("timex_value_accuracy_on_matched", value_tp / span_tp if span_tp else 0.0)]
