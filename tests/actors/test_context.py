"""What the document around a mention tells about its actor: a state's name that the
document uses for a division of another country."""

from __future__ import annotations


def _countries(refs):
    return [ref.country for ref in refs]


def test_a_us_state_named_like_a_country_is_the_us_state_beside_its_own_places(code_text):
    doc = code_text("Protesters in Georgia clashed with police in Atlanta on Friday.")
    event = next(e for e in doc.events if e.event_type == "ASSAULT")
    assert _countries(event.source) == ["USA"]
    assert "GEO" not in {ref.country for e in doc.events for ref in e.source + e.target}


def test_the_state_stays_where_the_document_names_its_places_or_people(code_text):
    doc = code_text("Russia accused Georgia of shelling Tskhinvali.")
    assert "GEO" in {ref.country for e in doc.events for ref in e.source + e.target}
    # naming the United States is no evidence for one of its states
    doc = code_text("The United States pledged aid to Georgia.")
    assert [ref.country for e in doc.events if e.event_type == "AID" for ref in e.target] == ["GEO"]


def test_a_place_of_the_state_outweighs_the_division(code_text):
    doc = code_text("Georgian police detained protesters in Tbilisi, Georgia, near the Atlanta Hotel.")
    assert "USA" not in {ref.country for e in doc.events for ref in e.source + e.target}
