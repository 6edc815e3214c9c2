from __future__ import annotations

from parley.dedup import assign_stories, minhash_of, near_duplicate_groups, signature, story_groups

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


PARAPHRASE = ("Envoys of Georgia and Russia said in a joint statement on Tuesday that they agreed to "
              "resume the Geneva talks on security and on refugees' return after the August war.")
OTHER = "Dock workers in Rotterdam walked out over pay on Friday, halting Europe's largest port."


def test_a_story_told_in_other_words_is_one_story_within_its_week():
    groups = story_groups({"a": {"text": TEXT, "published": "2008-10-14"},
                           "b": {"text": PARAPHRASE, "published": "2008-10-15"},
                           "c": {"text": OTHER, "published": "2008-10-15"},
                           "d": {"text": PARAPHRASE, "published": "2009-03-02"}})
    assert groups["a"] == groups["b"] != groups["c"]
    assert groups["d"] == "d"  # months later: compared only with its own week's documents
    assert near_duplicate_groups({"a": TEXT, "b": PARAPHRASE})["b"] == "b"  # no near-copy


def test_undated_events_of_one_story_join_across_documents():
    actor, target = '[{"country": "RUS"}]', '[{"country": "GEO"}]'
    events = [{"event_id": str(i), "doc_id": doc, "event_type": "AGREE", "source": actor,
               "target": target, "date": None} for i, doc in enumerate("abc")]
    docs = {"a": {"text": TEXT, "source": "Reuters"}, "b": {"text": PARAPHRASE, "source": "AFP"},
            "c": {"text": OTHER, "source": "AFP"}}
    out = assign_stories(events, docs)
    assert out["0"][0] == out["1"][0] != out["2"][0]
    assert out["0"][1:] == (2, 2)


def test_a_signature_stands_for_its_text():
    assert minhash_of(signature(TEXT)).jaccard(minhash_of(signature(TEXT + " Updated."))) > 0.8


def test_a_storys_articles_are_counted_among_its_own_documents():
    """Near-copies count once, and only within the story: a copy in another story does not
    chain two of this story's articles together."""
    from parley.dedup import count_articles, doc_minhash

    bridge_a = TEXT + " " + OTHER
    hashes = {d: doc_minhash(t) for d, t in {"a": TEXT, "a2": TEXT + " Updated.", "b": OTHER, "x": bridge_a}.items()}
    assert count_articles(["a", "a2"], hashes) == 1
    assert count_articles(["a", "b"], hashes) == 2
    assert count_articles(["a", "a2", "b"], hashes) == 2
    actor, target = '[{"country": "RUS"}]', '[{"country": "GEO"}]'
    dated = {"event_type": "AGREE", "source": actor, "target": target, "date": "2008-10-15"}
    docs = {"a": {"text": TEXT, "source": "Reuters"}, "a2": {"text": TEXT + " Updated.", "source": "Reuters"},
            "b": {"text": "Other words here.", "source": "AFP"}}
    alone = assign_stories([{"event_id": "1", "doc_id": "a", **dated}, {"event_id": "2", "doc_id": "a2", **dated}], docs)
    with_more = assign_stories([{"event_id": "1", "doc_id": "a", **dated}, {"event_id": "2", "doc_id": "a2", **dated},
                                {"event_id": "3", "doc_id": "b", **{**dated, "event_type": "ASSAULT"}}], docs)
    assert alone["1"] == with_more["1"] and alone["1"][1:] == (1, 1)
