"""Scoring helpers shared by the evaluations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def default_data(relative: str) -> Path:
    """Where a public gold file lives by default (../shared/data next to the checkout)."""
    return SHARED_DATA / relative


def accuracy(gold: Sequence[object], pred: Sequence[object]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def per_class_f1(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    scores = {}
    for label in set(gold):
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-F1 over the classes present in the gold labels."""
    scores = per_class_f1(gold, pred)
    return sum(scores.values()) / len(scores) if scores else 0.0


def label_set_f1(gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Sequence[str]) -> float:
    """Macro-F1 over labels when each item has a set of them; an empty set counts as the last
    label (the "none" label). Labels absent from both gold and prediction are left out."""
    empty = labels[-1]
    scores = []
    for label in labels:
        tp = fp = fn = 0
        for g, p in zip(gold, pred, strict=True):
            g_has = label in (g or {empty})
            p_has = label in (p or {empty})
            tp += g_has and p_has
            fp += p_has and not g_has
            fn += g_has and not p_has
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def read_jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    """Records of a JSONL file. Split on newlines only: str.splitlines() would also split
    inside strings at U+2028 and similar separators that JSON leaves unescaped."""
    import json

    records = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{line_no}: invalid JSON ({err.msg})") from err
    return records


@dataclass
class Figure:
    name: str
    value: float

    def line(self) -> str:
        return f"{self.name}: {self.value:.3f}"


Scorer = Callable[[Path, str], list[Figure]]


@dataclass
class DataSet:
    """One public data set an evaluation scores: its default file, its scorer, and how to
    recognise a file of its format (for `--data` without `--dataset`)."""

    default: str
    scorer: Scorer
    recognise: Callable[[Path], bool] = lambda path: True


def first_record(path: Path) -> dict[str, Any]:
    import json

    if path.is_dir():
        return {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                return record if isinstance(record, dict) else {}
    return {}


def run_plan(plan: dict[str, DataSet], data: Path | None, dataset: str) -> list[Figure]:
    """Score the chosen data set(s). `data` replaces the default file: of the set named by
    `dataset`, or, with `dataset="all"`, of the one set whose format the file has."""
    if dataset != "all":
        chosen = {dataset: plan[dataset]}
    elif data is not None:
        chosen = {name: ds for name, ds in plan.items() if ds.recognise(data)}
        if len(chosen) != 1:
            raise ValueError(f"cannot tell which data set {data} is; name it with --dataset "
                             f"({', '.join(plan)})")
    else:
        chosen = plan
    figures: list[Figure] = []
    for name, ds in chosen.items():
        path = data if data is not None else default_data(ds.default)
        if not path.exists():
            raise FileNotFoundError(f"evaluation data not found: {path}")
        figures.extend(ds.scorer(path, name if data is None else path.stem))
    return figures
