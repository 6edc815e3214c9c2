"""Within a document, a later mention refers back to an actor the text introduced: a
definite title ("the minister") to the last person named with that title, a pronoun to the
last person, a name to the person a title taught."""

from __future__ import annotations


def _actors(doc, event_type, role="source"):
    return [(ref.actor_id, ref.country, ref.sector) for e in doc.events if e.event_type == event_type
            for ref in getattr(e, role)]


def test_a_definite_title_is_the_last_person_named_with_it(code_text):
    doc = code_text("Russian Foreign Minister Sergey Lavrov met his Georgian counterpart on Monday. "
                    "The minister criticised NATO.")
    assert _actors(doc, "ACCUSE") == [("person:sergey-lavrov", "RUS", "GOV")]
    assert _actors(doc, "CONSULT", "target") == [("GEO", "GEO", "GOV")]  # a counterpart is an official


def test_of_two_titled_people_the_title_picks_one(code_text):
    doc = code_text("Georgian President Mikheil Saakashvili met Russian Foreign Minister Sergey Lavrov. "
                    "The president accused Russia of aggression.")
    assert _actors(doc, "ACCUSE") == [("person:mikheil-saakashvili", "GEO", "GOV")]


def test_a_title_no_one_bore_is_not_anyone(code_text):
    doc = code_text("Russian Foreign Minister Sergey Lavrov arrived on Monday. The general criticised NATO.")
    assert all(actor_id != "person:sergey-lavrov" for actor_id, _, _ in _actors(doc, "ACCUSE"))


def test_a_title_with_a_nationality_is_resolved_by_its_words(code_text):
    doc = code_text("Russian Foreign Minister Sergey Lavrov met Georgian officials on Monday. "
                    "The Georgian minister criticised NATO.")
    assert _actors(doc, "ACCUSE") == [("GEO", "GEO", "GOV")]


def test_its_fighters_are_the_groups_the_speaker_or_the_last_named(code_text):
    said = code_text("Hamas said on Tuesday that its fighters had fired rockets at Israel.")
    assert _actors(said, "ASSAULT") == [("org:hamas", "PSE", "REB")]  # not Israel's, where they fired
    named = code_text("Al-Shabaab claimed the attack on a base in Somalia on Monday. Its fighters killed 12 soldiers.")
    assert _actors(named, "ASSAULT") == [("org:al-shabaab", "SOM", "REB")]
    state = code_text("Russia said its troops had withdrawn from Gori.")
    assert _actors(state, "RETREAT") == [("RUS:MIL", "RUS", "MIL")]  # the words give the sector
