from __future__ import annotations

from parley.places import disambiguate


def test_georgia_country_by_default_and_state_in_us_context():
    assert disambiguate("Georgia", {"RUS": 3}).feature == "country"
    us = disambiguate("Georgia", {"USA": 5})
    assert us.country == "USA" and us.feature == "region"


def test_geneva_is_swiss():
    place = disambiguate("Geneva", {})
    assert place.country == "CHE" and abs(place.lat - 46.2) < 0.2


def test_unknown_place_is_none():
    assert disambiguate("Xqzzyville", {}) is None


def test_dateline_fallback(code_text):
    doc = code_text("TBILISI, Georgia (Reuters) - Georgia accused Russia of violating the ceasefire.")
    assert doc.dateline == "TBILISI, Georgia"
    assert doc.events[0].location.name == "Tbilisi"
