"""Dedup and stories: group reports of the same event across documents.

Two events belong to one story when they share the PLOVER type, the source and target
countries and the date (at its precision), or when their documents are near-duplicates
(MinHash over word shingles, datasketch LSH) and they share type and actors. Each event
then carries its story id and how many articles and distinct sources report that story.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from datasketch import MinHash, MinHashLSH


def doc_minhash(text: str, num_perm: int = 64) -> MinHash:
    words = re.findall(r"\w+", text.lower())
    shingles = {" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))}
    mh = MinHash(num_perm=num_perm)
    for shingle in shingles:
        mh.update(shingle.encode("utf-8"))
    return mh


def signature(text: str) -> list[int]:
    """A document's MinHash as plain numbers, to send where the text need not go."""
    return [int(v) for v in doc_minhash(text).hashvalues]


def minhash_of(values: list[int]) -> MinHash:
    """The MinHash a `signature` came from."""
    import numpy as np

    template = MinHash(num_perm=len(values))
    return MinHash(num_perm=len(values), hashvalues=np.array(values, dtype=template.hashvalues.dtype),
                   scheme=template.scheme)


def near_duplicate_groups(docs: dict[str, str], threshold: float = 0.6) -> dict[str, str]:
    """Map each doc_id to the id of its near-duplicate group (the smallest doc_id in it)."""
    return group_signatures({doc_id: doc_minhash(text) for doc_id, text in docs.items() if text},
                            docs, threshold)


def group_signatures(hashes: dict[str, MinHash], doc_ids: Iterable[str],
                     threshold: float = 0.6) -> dict[str, str]:
    """near_duplicate_groups from documents' MinHash signatures, computed elsewhere (a Spark
    worker sends 64 numbers per document, not its text)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=64)
    parent = {doc_id: doc_id for doc_id in doc_ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc_id, mh in sorted(hashes.items()):
        for other in lsh.query(mh):
            a, b = find(doc_id), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
        lsh.insert(doc_id, mh)
    return {doc_id: find(doc_id) for doc_id in parent}


def _actors_key(actors_json: Any) -> str:
    actors = json.loads(actors_json) if isinstance(actors_json, str) else actors_json
    return ",".join(sorted({a.get("country") or a.get("actor_id") or "?" for a in actors or []}))


def assign_stories(events: list[dict[str, Any]], docs: dict[str, dict[str, Any]],
                   signatures: dict[str, MinHash] | None = None) -> dict[str, tuple[str, int, int]]:
    """events: rows with event_id, doc_id, event_type, source, target, date.
    docs: doc_id -> {text, source} (the text may be left out where `signatures` gives each
    document's MinHash). Returns event_id -> (story_id, num_articles, num_sources)."""
    if signatures is not None:
        groups = group_signatures(signatures, docs)
    else:
        groups = near_duplicate_groups({d: info.get("text") or "" for d, info in docs.items()})
    stories: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        key = "|".join([event["event_type"], _actors_key(event["source"]),
                        _actors_key(event["target"]), event.get("date") or "undated"])
        if not event.get("date"):
            key += "|" + groups.get(event["doc_id"], event["doc_id"])
        stories[key].append(event)
    out: dict[str, tuple[str, int, int]] = {}
    for key, members in stories.items():
        story_id = hashlib.sha1(key.encode()).hexdigest()[:12]
        doc_ids = {m["doc_id"] for m in members}
        articles = len({groups.get(d, d) for d in doc_ids})
        sources = {(docs.get(d) or {}).get("source") or groups.get(d, d) for d in doc_ids}
        for member in members:
            out[member["event_id"]] = (story_id, articles, len(sources))
    return out
