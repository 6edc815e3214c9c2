from __future__ import annotations

from parley.dedup import assign_stories, near_duplicate_groups

TEXT = ("Russia and Georgia agreed on Tuesday to resume talks in Geneva on security and the "
        "return of refugees after the August war, the envoys said in a joint statement.")


def test_near_duplicates_grouped():
    groups = near_duplicate_groups({"a": TEXT, "b": TEXT + " Updated.", "c": "Entirely unrelated football report text."})
    assert groups["a"] == groups["b"] != groups["c"]


def test_stories_count_articles_and_sources():
    actor = '[{"country": "RUS"}]'
    target = '[{"country": "GEO"}]'
    events = [
        {"event_id": "1", "doc_id": "a", "event_type": "AGREE", "source": actor, "target": target, "date": "2008-10-15"},
        {"event_id": "2", "doc_id": "b", "event_type": "AGREE", "source": actor, "target": target, "date": "2008-10-15"},
        {"event_id": "3", "doc_id": "c", "event_type": "ASSAULT", "source": actor, "target": target, "date": "2008-10-15"},
    ]
    docs = {"a": {"text": TEXT, "source": "Reuters"}, "b": {"text": "Other words here.", "source": "AFP"},
            "c": {"text": "x", "source": "AFP"}}
    out = assign_stories(events, docs)
    assert out["1"][0] == out["2"][0] != out["3"][0]
    assert out["1"][1:] == (2, 2) and out["3"][1:] == (1, 1)
