"""Dedup and stories: group reports of the same event across documents.

Two events belong to one story when they share the PLOVER type, the source and target
countries and the date (at its precision), or, undated, when their documents tell the same
story (TF-IDF similarity of their leads, `story_groups`) and they share type and actors. Each
event then carries its story id and how many articles (near-copies, found by MinHash over
word shingles with datasketch LSH, count once) and distinct sources report that story.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
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
    sets = DisjointSets(doc_ids)
    for doc_id, mh in sorted(hashes.items()):
        for other in lsh.query(mh):
            sets.join(doc_id, other)
        lsh.insert(doc_id, mh)
    return {doc_id: sets.find(doc_id) for doc_id in sets.parent}


class DisjointSets:
    """Groups joined pair by pair; a group is named by its smallest member."""

    def __init__(self, members: Iterable[str]) -> None:
        self.parent = {m: m for m in members}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


# Documents telling the same story: TF-IDF cosine over the headline and first paragraphs,
# average link (every member close to the group on the whole, not one chain of neighbours)
STORY_LEAD_WORDS = 150
STORY_SIMILARITY = 0.2
MAX_STORY_BLOCK = 4000  # documents compared all-to-all at once (memory grows with the square)


def lead_words(text: str) -> str:
    """What a story grouping reads of a document: its opening words."""
    return " ".join(text.split()[:STORY_LEAD_WORDS])


def week_block(published: Any) -> str:
    """The ISO week a document was published in ("2008-42"), "0-0" when undated: documents
    are grouped into stories only with those of their own block."""
    try:
        year, week, _ = date.fromisoformat(str(published)[:10]).isocalendar() if published else (0, 0, 0)
    except ValueError:
        year, week = 0, 0
    return f"{year}-{week}"


def story_groups(docs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Map each doc_id to its story group (the smallest doc_id in it): documents that report
    the same story in other words, not only near-copies. docs: doc_id -> {text, published}.
    Documents are compared within the ISO week they were published in (undated ones among
    themselves); a week with more than MAX_STORY_BLOCK documents falls back to near-copies."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for doc_id, info in docs.items():
        blocks[week_block(info.get("published"))].append(doc_id)
    groups: dict[str, str] = {}
    for members in blocks.values():
        texts = {d: lead_words(docs[d].get("text") or "") for d in members}
        if len(members) > MAX_STORY_BLOCK:
            groups.update(near_duplicate_groups(texts))
        else:
            groups.update(_cluster_by_words(texts))
    return groups


def _cluster_by_words(texts: dict[str, str]) -> dict[str, str]:
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = sorted(d for d, t in texts.items() if t.strip())
    groups = {d: d for d in texts}
    if len(ids) < 2:
        return groups
    try:
        vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([texts[d] for d in ids])
    except ValueError:  # nothing but stop words
        return groups
    distance = 1.0 - (vectors @ vectors.T).toarray()
    distance = squareform(distance.clip(0.0, 1.0), checks=False)  # the diagonal is dropped
    labels = fcluster(linkage(distance, method="average"), t=1.0 - STORY_SIMILARITY, criterion="distance")
    first: dict[int, str] = {}
    for doc_id, label in zip(ids, labels):
        groups[doc_id] = first.setdefault(int(label), doc_id)
    return groups


def _actors_key(actors_json: Any) -> str:
    actors = json.loads(actors_json) if isinstance(actors_json, str) else actors_json
    return ",".join(sorted({a.get("country") or a.get("actor_id") or "?" for a in actors or []}))


def story_key(event: dict[str, Any], story_of: dict[str, str]) -> str:
    """What makes two events one story: type, actors' countries and the date, or, undated,
    the story group of their documents."""
    key = "|".join([event["event_type"], _actors_key(event["source"]), _actors_key(event["target"]),
                    event.get("date") or "undated"])
    if not event.get("date"):
        key += "|" + story_of.get(event["doc_id"], event["doc_id"])
    return key


def story_id_of(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def count_articles(doc_ids: Iterable[str], hashes: dict[str, MinHash], threshold: float = 0.6) -> int:
    """The articles among a story's documents: near-copies (estimated Jaccard similarity of
    their word shingles at least `threshold`, or linked through other copies) count once.
    Compared within the story only, so a story's count never depends on other documents."""
    ids = sorted(set(doc_ids))
    sets = DisjointSets(ids)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if a in hashes and b in hashes and hashes[a].jaccard(hashes[b]) >= threshold:
                sets.join(a, b)
    return len({sets.find(d) for d in ids})


def story_counts(members: dict[str, list[str]], docs: dict[str, dict[str, Any]],
                 hashes: dict[str, MinHash]) -> dict[str, tuple[int, int]]:
    """story_id -> (articles, named sources) of each story, from its documents' ids.
    docs: doc_id -> {source}; hashes: doc_id -> MinHash of its text."""
    counts = {}
    for story_id, doc_ids in members.items():
        # named sources only: documents that do not say who published them are not a source each
        sources = {src for d in set(doc_ids) if (src := (docs.get(d) or {}).get("source"))}
        counts[story_id] = (count_articles(doc_ids, hashes), len(sources))
    return counts


def _stories_of(events: list[dict[str, Any]], story_of: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each event's story id, and each story's documents (one entry an event)."""
    story_ids = {e["event_id"]: story_id_of(story_key(e, story_of)) for e in events}
    members: dict[str, list[str]] = defaultdict(list)
    for event in events:
        members[story_ids[event["event_id"]]].append(event["doc_id"])
    return story_ids, members


def assign_stories(events: list[dict[str, Any]], docs: dict[str, dict[str, Any]],
                   signatures: dict[str, MinHash] | None = None) -> dict[str, tuple[str, int, int]]:
    """events: rows with event_id, doc_id, event_type, source, target, date.
    docs: doc_id -> {text, source, published} (the text may be only the document's lead
    where `signatures` gives its MinHash). Returns event_id -> (story_id, num_articles,
    num_sources): an undated event joins the same act in the documents of its story; an
    article and its near-copies count once."""
    story_ids, members = _stories_of(events, story_groups(docs))
    if signatures is not None:
        hashes = signatures
    else:
        # only documents that share a story with another need their text hashed
        needed = {d for ids in members.values() if len(set(ids)) > 1 for d in ids}
        hashes = {d: doc_minhash(docs[d].get("text") or "") for d in needed if d in docs}
    counts = story_counts(members, docs, hashes)
    return {event_id: (story_id, *counts[story_id]) for event_id, story_id in story_ids.items()}


# What story grouping reads of a stored text: enough characters for STORY_LEAD_WORDS words
LEAD_CHARS = 4000
Query = Callable[..., list[dict[str, Any]]]  # (sql, params) -> rows, as Store.query


def restory(query: Query, changed: set[str] | None = None,
            stale_stories: set[str] | frozenset[str] = frozenset(),
            stale_blocks: set[str] | frozenset[str] = frozenset()) -> dict[str, tuple[str, int, int]]:
    """Story ids and counts of the stored events a change touches: event_id -> (story_id,
    num_articles, num_sources). `changed`: the documents stored (or replaced) since stories
    were last assigned (None: all of them, a full recompute); `stale_stories`: ids of stories
    that lost events (a replaced document's old ones), `stale_blocks`: weeks that lost a
    document (a replaced one's old week, `week_block`). Touched are the events of the weeks of
    the changed documents (their undated events may join other stories) and every event of a
    story any of them joins or leaves. The result equals a full recompute's for those events,
    and the other events' stories are unchanged."""
    def rows_of(sql: str, doc_ids: list[str] | None) -> list[dict[str, Any]]:
        if doc_ids is None:
            return query(sql.replace("{docs}", "true"))
        return query(sql.replace("{docs}", "doc_id IN (SELECT unnest(?::VARCHAR[]))"), [doc_ids])

    if changed is None:
        block_docs: list[str] | None = None
    else:
        blocks = {row["doc_id"]: week_block(row["published"])
                  for row in query("SELECT doc_id, published FROM documents")}
        touched = {blocks[d] for d in changed if d in blocks} | set(stale_blocks)
        block_docs = sorted(d for d, block in blocks.items() if block in touched)
    leads = {row["doc_id"]: row for row in rows_of(
        f"SELECT doc_id, published, left(text, {LEAD_CHARS}) AS text FROM documents WHERE {{docs}}", block_docs)}
    story_of = story_groups(leads)
    events = rows_of("SELECT event_id, doc_id, event_type, source, target, date, story_id FROM events "
                     "WHERE {docs}", block_docs)
    new_ids, members = _stories_of(events, story_of)
    others: list[dict[str, Any]] = []
    if block_docs is not None:
        # the rest of every story these events join or leave, in other weeks' documents
        recount = sorted(set(new_ids.values()) | {e["story_id"] for e in events if e["story_id"]} | set(stale_stories))
        others = query("SELECT event_id, doc_id, story_id FROM events WHERE story_id IN (SELECT unnest(?::VARCHAR[])) "
                       "AND doc_id NOT IN (SELECT unnest(?::VARCHAR[]))", [recount, block_docs])
        for event in others:
            members[event["story_id"]].append(event["doc_id"])
    shared = sorted({d for ids in members.values() if len(set(ids)) > 1 for d in ids})
    sources = {row["doc_id"]: row for row in query(
        "SELECT doc_id, source FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted({d for ids in members.values() for d in ids})])}
    hashes = {row["doc_id"]: doc_minhash(row["text"] or "") for row in query(
        "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [shared])}
    counts = story_counts(members, sources, hashes)
    out = {event_id: (story_id, *counts[story_id]) for event_id, story_id in new_ids.items()}
    out.update({e["event_id"]: (e["story_id"], *counts[e["story_id"]]) for e in others})
    return out
