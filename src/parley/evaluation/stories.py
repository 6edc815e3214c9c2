"""`parley eval stories`: grouping documents into stories, on ECB+ (the odd topics: each
topic holds two stories of one kind, such as two different celebrities' rehab stays, so
telling stories apart takes more than the topic's words).

Scored with B-cubed precision, recall and F1 over documents (each document's own cluster
against its gold one), for Parley's story grouping (`parley.dedup.story_groups`) and, for
comparison, for near-copies alone (MinHash), which is what stories were built from before.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

from parley.dedup import near_duplicate_groups, story_groups
from parley.evaluation.metrics import Figure, default_data, read_jsonl

ECBPLUS = "dedup/ecbplus_odd_topics.jsonl"


def b_cubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering of the gold items."""
    gold_members: dict[str, set[str]] = defaultdict(set)
    predicted_members: dict[str, set[str]] = defaultdict(set)
    for item, cluster in gold.items():
        gold_members[cluster].add(item)
    for item in gold:
        predicted_members[predicted.get(item, item)].add(item)
    precision = recall = 0.0
    for item, cluster in gold.items():
        ours = predicted_members[predicted.get(item, item)]
        theirs = gold_members[cluster]
        shared = len(ours & theirs)
        precision += shared / len(ours)
        recall += shared / len(theirs)
    precision, recall = precision / len(gold), recall / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run(data: Path | None = None, dataset: str = "all") -> list[Figure]:
    path = data or default_data(ECBPLUS)
    if not path.exists():
        raise FileNotFoundError(f"evaluation data not found: {path}")
    rows = read_jsonl(path)
    gold = {str(r["doc_id"]): str(r["cluster"]) for r in rows}
    docs = {str(r["doc_id"]): {"text": r["text"], "published": r.get("published")} for r in rows}
    started = time.perf_counter()
    grouped = story_groups(docs)
    seconds = time.perf_counter() - started
    copies = near_duplicate_groups({d: info["text"] for d, info in docs.items()})
    prefix = "ecbplus" if data is None else path.stem.replace("-", "_")
    figures = []
    for name, clusters in (("stories", grouped), ("near_copies", copies)):
        precision, recall, f1 = b_cubed(gold, clusters)
        figures += [Figure(f"{prefix}_{name}_bcubed_precision", precision),
                    Figure(f"{prefix}_{name}_bcubed_recall", recall),
                    Figure(f"{prefix}_{name}_bcubed_f1", f1)]
    figures += [Figure(f"{prefix}_story_clusters", len(set(grouped.values()))),
                Figure(f"{prefix}_gold_clusters", len(set(gold.values()))),
                Figure(f"{prefix}_stories_docs_per_second", len(docs) / seconds if seconds else 0.0)]
    return figures
