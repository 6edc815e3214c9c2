from __future__ import annotations

from parley.places import context_from_names, disambiguate


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


def test_an_event_in_the_city_of_a_named_place(code_text):
    doc = code_text("ANKARA (AP) - Russia and Turkey signed a trade agreement on Monday in "
                    "Turkey's largest city of Istanbul.")
    assert doc.events and doc.events[0].location.name == "Istanbul"


def test_capital_beats_the_state_that_shares_its_name():
    place = disambiguate("Washington", {})
    assert place.country == "USA" and abs(place.lon - (-77.0)) < 0.5


def test_city_beats_the_state_that_shares_its_name():
    assert disambiguate("New York", {"USA": 2}).feature == "city"


def test_continents_and_their_adjectives():
    assert disambiguate("Africa", {}).feature == "continent"
    assert disambiguate("European", {}).name == "Europe"


def test_country_aliases_beat_small_towns():
    america = disambiguate("America", {})
    assert america.country == "USA" and america.feature == "country"


def test_small_towns_are_in_the_gazetteer():
    # towns of a few thousand people, as local news names them
    place = disambiguate("Cottonport", {"USA": 3})
    assert place is not None and place.country == "USA"


def test_country_point_is_its_geographic_centre():
    egypt = disambiguate("Egypt", {})
    assert abs(egypt.lat - 27) < 1 and abs(egypt.lon - 30) < 1


def test_namesake_near_the_documents_other_towns():
    # Paris is French unless the story's other towns put it in Texas
    assert disambiguate("Paris", {}).country == "FRA"
    from parley.places import anchor_points

    texas = anchor_points(["Sulphur Springs", "Clarksville", "Texarkana"])
    place = disambiguate("Paris", {"USA": 3}, texas)
    assert place.country == "USA" and abs(place.lat - 33.66) < 0.5


def test_provinces_and_states_of_every_country():
    # first-level divisions outside the US, found without their accents
    tamil_nadu = disambiguate("Tamil Nadu", {})
    assert tamil_nadu.feature == "region" and tamil_nadu.country == "IND"
    # the province, not Ontario, California (a far smaller namesake)
    assert disambiguate("Ontario", {"CAN": 2}).country == "CAN"


def test_a_place_is_named_by_its_own_name_before_another_s_alternate_name():
    # "Hamilton" is also what people call Hamilton County; the Ohio city bears the name
    from parley.places import anchor_points

    ohio = ["Cincinnati", "Ohio", "Fairfield", "Middletown"]
    hamilton = disambiguate("Hamilton", context_from_names(ohio), anchor_points(ohio))
    assert hamilton.feature == "city" and hamilton.country == "USA"
    # and "Torrington" is Torrington, not West Torrington
    assert disambiguate("Torrington", {"USA": 2}).name == "Torrington"


def test_counties_by_the_state_of_the_documents_towns():
    from parley.places import anchor_points

    kentucky = anchor_points(["London", "Corbin", "Somerset", "Kentucky"])
    context = context_from_names(["London", "Corbin", "Somerset", "Kentucky"])
    laurel = disambiguate("Laurel County", context, kentucky)
    assert laurel.feature == "district" and abs(laurel.lat - 37.1) < 0.5
    # as local news abbreviates it
    assert disambiguate("Laurel Co.", context, kentucky) == laurel


def test_names_resolved_together_pull_namesakes_near_each_other():
    from parley.places import resolve_names

    names = ["Columbus", "Dublin", "Franklin County"]
    places = resolve_names(names, context_from_names(names))
    assert places["Columbus"].country == "USA"
    assert places["Dublin"].country == "USA" and abs(places["Dublin"].lat - 40.1) < 0.3
    # alone, Dublin is the Irish capital
    assert resolve_names(["Dublin"], {})["Dublin"].country == "IRL"


def test_a_division_keeps_its_name_from_the_country_it_belongs_to():
    assert disambiguate("West Bank", {}).feature == "region"
    assert disambiguate("England", {}).feature == "region"


def test_a_place_qualified_by_its_state_or_country():
    assert disambiguate("Paris, Texas", {}).country == "USA"
    assert disambiguate("London, Ontario", {}).country == "CAN"
    assert disambiguate("Paris, France", {}).country == "FRA"


def test_provinces_as_the_press_abbreviates_them():
    bc = disambiguate("B.C.", {"CAN": 1})
    assert bc.name == "British Columbia" and bc.feature == "region"


def test_a_name_the_gazetteer_lacks_falls_back_to_the_place_it_is_named_after():
    from parley.places import inner_place_name, resolve_names

    assert inner_place_name("Nebraska State University") == "Nebraska"
    assert inner_place_name("Leeds United Football Club") == "Leeds"
    assert inner_place_name("Southern Ohio") == "Ohio"
    assert inner_place_name("Western Canada") == "Canada"
    places = resolve_names(["Nebraska State University", "Leeds Trade Fair"], {})
    assert places["Nebraska State University"].feature == "region"
    assert places["Leeds Trade Fair"].country == "GBR"


def test_no_fallback_to_a_town_inside_another_places_name():
    from parley.places import inner_place_name

    assert inner_place_name("Ohio River") is None  # a river, not the state
    assert inner_place_name("Columbus Township") is None
    assert inner_place_name("French Quarter") is None  # a nationality is not its country
    assert inner_place_name("Glenwood Lagoon Trail") is None  # small towns are too often other things


def test_a_town_by_its_own_name_beats_a_bigger_one_by_a_loose_other_name():
    # GeoNames lists "Poti" among Teresina's other names; Poti is Georgia's Black Sea port
    assert disambiguate("Poti", {}).country == "GEO"
    assert disambiguate("Fredericia", {}).country == "DNK"
    # an other name that shares a word with the town's own still finds it
    assert disambiguate("St. Petersburg", {"RUS": 2}).country == "RUS"


def test_a_divisions_adjective_names_the_division_not_its_country():
    assert disambiguate("Welsh", {}).name == "Wales"
    assert disambiguate("Texan", {}).feature == "region"
    assert disambiguate("British", {}).feature == "country"  # a country's own stays the country


def test_a_division_word_after_an_unknown_name_picks_the_division():
    from parley.places import resolve_names

    assert resolve_names(["Idlib Governorate"], {})["Idlib Governorate"].feature == "region"


def test_a_nationality_word_names_its_country_even_in_a_local_story():
    # Canadian, Texas exists; "Canadian" beside Texas towns is still the nationality
    texan = {"USA": 6, "US.TX": 4}
    place = disambiguate("Canadian", texan)
    assert place is not None and place.feature == "country" and place.country == "CAN"


def test_a_people_of_several_countries_names_no_town():
    # Arab, Alabama exists: "Arab" names no place, and casts no vote for Alabama
    assert disambiguate("Arab", {}) is None
    assert "US.AL" not in context_from_names(["Arab", "Greece", "Athens"])
    assert disambiguate("Afar", {}).feature == "region"  # a people's own division stays


def test_world_regions_and_seas_are_places_not_namesake_towns():
    # Middle East, Maryland and Pacific, Missouri exist; the news means the region and the ocean
    middle_east = disambiguate("the Middle East", {"USA": 2})
    assert middle_east.feature == "macro-region" and middle_east.country is None
    assert 15 < middle_east.lat < 35 and 35 < middle_east.lon < 55
    assert disambiguate("Pacific", {}).feature == "water"
    assert disambiguate("Red Sea", {"SDN": 3}).feature == "water"  # not Sudan's Red Sea state
    assert disambiguate("Donbas", {}).country == "UKR"  # a region inside one country carries it
    assert "USA" not in context_from_names(["Middle East", "Pacific", "Levant"])


def test_an_incident_at_sea_is_located_at_sea(code_text):
    doc = code_text("Iranian boats attacked a tanker in the Strait of Hormuz on Tuesday.")
    assert doc.events and doc.events[0].location.name == "Strait of Hormuz"


def test_actors_without_a_country_are_of_the_country_the_document_is_about(code_text):
    doc = code_text("Police in Hopkinton, Massachusetts arrested two men on Monday. "
                    "Officers in Boston said the suspects attacked a woman.")
    actors = [a for e in doc.events for a in e.source + e.target]
    assert actors and all(a.country == "USA" for a in actors)


def test_a_document_of_several_countries_gives_its_actors_none(code_text):
    doc = code_text("Police arrested two men on Monday. Russia and Georgia met in Geneva, "
                    "and France and Germany met in Berlin.")
    police = [a for e in doc.events for a in e.source if a.text.lower() == "police"]
    assert police and police[0].country is None
