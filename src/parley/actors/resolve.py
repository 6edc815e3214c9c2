"""Resolve mentions to canonical actors, learning people's roles from the text itself.

"Russian Foreign Minister Sergey Lavrov" teaches that Lavrov is RUS/GOV; later "Lavrov
said" (in this or another document) resolves to the same actor. Transliteration variants
("Karasin"/"Karassin") are joined by fuzzy matching on name parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span

from parley.actors.knowledge import (
    ORG_HEAD_WORDS,
    KnowledgeBase,
    Person,
    Role,
    _slug,
    load_knowledge,
    name_key,
)
from parley.model import Actor, ActorRef, Document, Mention
from parley.nlp import PERSON_ROLE_NOUNS
from parley.time import MONTHS, WEEKDAYS

TITLE_WORDS = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|sir|gen|col|lt|maj|capt|adm|sen|rep|gov|pres|prof)\.?|president|"
    r"prime|minister|foreign|defence|defense|deputy|secretary|general|chancellor|king|queen|"
    r"prince|sheikh|ayatollah|senator|governor|mayor|ambassador|envoy|chief|commander|"
    r"spokesman|spokeswoman|pope|premier|vice|former|acting|interim|special|representative|"
    r"ousted|deposed|exiled|toppled|late|retired|outgoing|incoming|elect|ex|then|veteran|"
    r"dictator|strongman|archbishop|bishop|cardinal|rev|reverend|imam|rabbi|emir|crown|"
    r"colonel|major|captain|admiral|marshal|field|lieutenant|brigadier|sergeant|"
    r"chairman|chairwoman|chairperson|speaker|judge|justice|prosecutor|attorney|director|"
    r"coordinator|commissioner|rapporteur|opposition|leader|party|rebel|militia|army|"
    r"under|of|state|for|the|and)$", re.I)
CALENDAR_WORDS = {word.title() for word in MONTHS + WEEKDAYS}  # "May", "Friday"
ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}


@dataclass
class PersonIndex:
    """People by name: full names; surnames (or trailing parts of names) they go by; and
    every surname, for the fuzzy pass."""

    by_name: dict[str, list[Person]] = field(default_factory=dict)
    by_surname: dict[str, list[Person]] = field(default_factory=dict)
    all_surnames: dict[str, list[Person]] = field(default_factory=dict)
    # surname -> (person, the words of one of their names ending in it): what the fuzzy pass
    # compares given names with, split once here rather than on every lookup
    named_by: dict[str, list[tuple[Person, list[str]]]] = field(default_factory=dict)
    _keys: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def add(self, person: Person) -> None:
        self._keys.clear()
        for alias in person.aliases:
            key = name_key(strip_titles(alias))
            if not key:
                continue
            _append(self.by_name, key, person)
            parts = key.split()
            _append(self.all_surnames, parts[-1], person)
            entries = self.named_by.setdefault(parts[-1], [])
            if not any(p is person and words == parts for p, words in entries):
                entries.append((person, parts))
            # a dictionary's person goes by a lone surname only where it lists one ("PUTIN"):
            # most of its 18,000 people are too obscure for "Brown said" to mean them
            if not person.from_dictionary or len(parts) == 1:
                for i in range(1, len(parts)):
                    _append(self.by_surname, " ".join(parts[i:]), person)
                if len(parts) == 1:
                    _append(self.by_surname, key, person)

    def keys(self, table: str) -> list[str]:
        """The keys of one table as a list (what rapidfuzz searches), kept until a change."""
        if table not in self._keys:
            self._keys[table] = list(getattr(self, table))
        return self._keys[table]


def knowledge_index(kb: KnowledgeBase) -> PersonIndex:
    """The knowledge base's people, indexed once per knowledge base (18,000 with the
    dictionaries): registries look through it and index only what they add."""
    index = kb.person_index
    if not isinstance(index, PersonIndex):
        index = PersonIndex()
        seen: set[str] = set()
        for person in kb.people.values():
            if person.actor_id not in seen:
                seen.add(person.actor_id)
                index.add(person)
        kb.person_index = index
    return index


@dataclass
class ActorRegistry:
    """People met so far (in this run and in the store), with the roles the text gave them,
    over the people of the knowledge base. The knowledge base's people are shared and never
    changed: a person a text teaches something is copied into the registry first, and the
    copy stands for them from then on."""

    kb: KnowledgeBase
    people: list[Person] = field(default_factory=list)  # the registry's own (learned, stored, copied)
    _own: PersonIndex = field(default_factory=PersonIndex, repr=False)
    _own_ids: set[str] = field(default_factory=set, repr=False)
    _changed: dict[str, Person] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._base = knowledge_index(self.kb)
        for person in self.people:  # people given to the constructor
            self._own.add(person)
            self._own_ids.add(person.actor_id)

    def add(self, person: Person) -> None:
        self.people.append(person)
        self._own.add(person)
        self._own_ids.add(person.actor_id)

    def add_stored(self, person: Person) -> None:
        """A person an earlier run stored: the stored copy (with the roles texts taught)
        stands for the knowledge base's one of the same id."""
        known = next((p for p in self._lookup("by_name", name_key(person.name))
                      if p.actor_id == person.actor_id), None)
        if known is not None:
            person.aliases = list(dict.fromkeys(known.aliases + person.aliases))
            self.add(person)
        elif self.named(person.name, exact=True) is None:
            # (no fuzzy pass: the run that stored them made them new because no one's name
            # was close, and 3,000 stored people took 18 s to check again)
            self.add(person)

    def _lookup(self, table: str, key: str) -> list[Person]:
        own = getattr(self._own, table).get(key, [])
        base = [p for p in getattr(self._base, table).get(key, []) if p.actor_id not in self._own_ids]
        return own + base

    def changed_people(self) -> list[Person]:
        """The people a text has taught something since the last call (what to store)."""
        changed, self._changed = list(self._changed.values()), {}
        return changed

    def find(self, name: str, day: str | None = None) -> Person | None:
        """Exact name, then a surname or the end of a name, then a fuzzy match on the
        surname (transliteration variants). Of several people a name fits, one a text has
        taught comes first, then the one in office on `day` ("Clinton" in 2010 is the
        Secretary of State, not the former President)."""
        name = strip_titles(name)
        if not name or self.kb.lookup(name) is not None:
            return None  # "Montenegro" is a country before it is anyone's surname
        return self._named(name, day, exact=False) or self._fuzzy(name_key(name).split(), day)

    def named(self, name: str, day: str | None = None, exact: bool = False) -> Person | None:
        """The person a name (or, unless `exact`, a surname they go by) exactly is; no
        fuzzy matching."""
        if self.kb.lookup(name) is not None:
            return None  # "Montenegro" is a country before it is anyone's surname
        return self._named(name, day, exact)

    def _named(self, name: str, day: str | None, exact: bool) -> Person | None:
        key = name_key(name)
        named = self._lookup("by_name", key)
        surnamed = [] if exact else self._lookup("by_surname", key)
        fitting = named + [p for p in surnamed if p not in named]
        return self._prefer(fitting, day) if fitting else None

    def _prefer(self, fitting: list[Person], day: str | None) -> Person:
        taught = [p for p in fitting if not p.from_dictionary]
        pool = taught or fitting
        in_office = [p for p in pool if day and _in_office(p, day)]
        return (in_office or pool)[0]

    def _fuzzy(self, parts: list[str], day: str | None) -> Person | None:
        from rapidfuzz import process

        if not parts:
            return None
        # a lone surname has no first name to confirm it: closer spellings only, and only of
        # people known by a surname ("Karassin" is Karasin, "Williams" is not Williamson)
        table = "by_surname" if len(parts) == 1 else "all_surnames"
        cutoff = 90 if len(parts) == 1 else 85
        best: tuple[float, Person | None] = (0.0, None)
        found = [hit for index in (self._own, self._base)
                 for hit in process.extract(parts[-1], index.keys(table), scorer=fuzz.ratio,
                                            score_cutoff=cutoff, limit=20)]
        for surname, surname_score, _ in found:
            if " " in surname:
                continue  # (trailing parts of longer names are for exact matches)
            fitting = {id(person) for person in self._lookup(table, surname)}
            own = self._own.named_by.get(surname, [])
            base = [(p, w) for p, w in self._base.named_by.get(surname, []) if p.actor_id not in self._own_ids]
            for person, alias_parts in own + base:
                if id(person) not in fitting:
                    continue
                # the given names must match too: the alias's, or the person's when the
                # alias is a bare surname ("Dragan Milovanovic" is not Zoran Milanovic,
                # "Maulana Fazl-ur-Rehman" not Maulana Atta-ur-Rehman)
                given = alias_parts[:-1] if len(alias_parts) > 1 else name_key(person.name).split()[:-1]
                # (initials aside, unless the name has nothing else: "He Zhihua")
                checked = [part for part in parts[:-1] if len(part) > 2] or parts[:-1]
                given_score = min((max((fuzz.ratio(part, other) for other in given), default=0.0)
                                   for part in checked), default=100.0)
                if given_score < 75:
                    continue
                # the closer given names win a tie ("Ali Saleh": Ali Abdullah Saleh, not Salim Saleh)
                score = surname_score + given_score / 10 + (10 if len(parts) > 1 and len(alias_parts) > 1 else 0)
                if score > best[0]:
                    best = (score, person)
        return best[1]

    def learn(self, name: str, role: Role | None, day: str | None = None) -> Person:
        name = strip_titles(name)
        person = self.find(name, day)
        if person is None:
            person = Person(actor_id=f"person:{_slug(name)}", name=name, aliases=[name])
            self.add(person)
            self._changed[person.actor_id] = person
        elif name not in person.aliases:
            person = self._own_copy(person)
            person.aliases.append(name)
            if len(name.split()) > len(person.name.split()):
                person.name = name  # prefer the fullest form as the display name
            self._own.add(person)
            self._changed[person.actor_id] = person
        if role is None:
            return person
        person = self._own_copy(person)
        self._changed[person.actor_id] = person
        if person.from_dictionary:
            person.from_dictionary = False  # what a text says of them now comes first
            self._own.add(person)  # (and their surname alone now names them)
        same = [r for r in person.roles if r.country == role.country and r.sector == role.sector]
        if same:
            # the role the text gives comes first: it is the one an undated story means
            # ("US Under Secretary of State ..., William Burns" before his later CIA post)
            person.roles = same[:1] + [r for r in person.roles if r is not same[0]]
        elif role.country:  # a fuller role replaces the country-less one of the same sector
            person.roles = [role] + [r for r in person.roles
                                     if r.country is not None or r.sector != role.sector]
        elif not person.roles:
            person.roles.append(role)
        return person


    def _own_copy(self, person: Person) -> Person:
        """The registry's own copy of a person, made on the first change: the knowledge
        base's people are shared by every registry."""
        if person.actor_id in self._own_ids:
            return person
        copy = replace(person, aliases=list(person.aliases), roles=list(person.roles))
        self.add(copy)
        return copy


def _in_office(person: Person, day: str) -> bool:
    """Whether a dated role other than a former office-holder's holds on the day."""
    return any(r.valid_on(day) and (r.valid_from or r.valid_to) and r.sector != "ELI"
               for r in person.roles)


def _append(index: dict[str, list[Person]], key: str, person: Person) -> None:
    found = index.setdefault(key, [])
    if not any(p is person for p in found):
        found.append(person)


def strip_titles(name: str) -> str:
    tokens = re.sub(r"['’]s$", "", name.strip()).split()
    # (hyphenated titles too: "Vice-President", "Colonel-General", "President-elect")
    while tokens and all(TITLE_WORDS.match(part) for part in tokens[0].split("-") if part):
        tokens.pop(0)
    return " ".join(tokens)


def role_phrase(ent: Span) -> str:
    """The words around a person's name that tell the role: pre-modifiers, appositives,
    and 'of <organisation>' attachments."""
    doc = ent.doc
    root = ent.root
    pieces: list[str] = []
    left = [t.i for t in root.subtree if t.i < ent.start]
    if left:
        pieces.append(doc[min(left):ent.start].text)
    if root.dep_ == "appos":
        head = root.head
        head_left = [t.i for t in head.subtree if t.i <= head.i]
        pieces.append(doc[min(head_left):head.i + 1].text)
        for child in head.children:
            if child.dep_ == "prep" and child.text.lower() in ("of", "for") and child.i > head.i:
                pieces.append(doc[child.i:child.right_edge.i + 1].text)
    for child in root.children:
        if child.dep_ == "appos" and child.i > ent.end - 1:
            pieces.append(doc[child.left_edge.i:child.i + 1].text)
        if child.dep_ == "prep" and child.text.lower() == "of" and child.i >= ent.end:
            pieces.append(doc[child.i:child.right_edge.i + 1].text)
    if not pieces:
        pieces.append(_title_before(ent))
    return " ".join(p for p in pieces if p)


def _title_before(ent: Span) -> str:
    """The title just before a name and its comma, read from the words when the parse has
    lost it ("... and US Under Secretary of State for Political Affairs, William Burns")."""
    doc = ent.doc
    i = ent.start - 1
    if i < 0 or doc[i].text != ",":
        return ""
    start = i
    while start - 1 >= max(ent.sent.start, i - 10):
        token = doc[start - 1]
        if token.pos_ in ("VERB", "AUX", "PUNCT", "CCONJ") or token.lower_ in ("that", "and"):
            break
        start -= 1
    return doc[start:i].text if start < i and doc[start].text[:1].isupper() else ""


def role_from_phrase(phrase: str, kb: KnowledgeBase, day: str | None) -> Role | None:
    countries = kb.countries_in(phrase)
    sector = kb.sector_of(phrase)
    if not sector:
        return None  # a place alone ("On Georgia, ...") is not a role
    return Role(country=countries[0][0] if countries else None, sector=sector,
                title=phrase.strip() or None, valid_from=day)


def learn_roles(parsed: Doc, doc: Document, registry: ActorRegistry) -> None:
    for ent in parsed.ents:
        if ent.label_ == "PERSON" and any(t.is_alpha for t in ent):
            role = role_from_phrase(role_phrase(ent), registry.kb, doc.published)
            registry.learn(ent.text, role, doc.published)


def person_ref(text: str, person: Person, day: str | None) -> ActorRef:
    role = person.role_on(day)
    sector = role.sector if role else None
    if role is None and person.roles:
        # every role has ended (or not begun): the latest one, as a former office-holder
        role = max(person.roles, key=lambda r: r.valid_to or r.valid_from or "")
        ended = day is not None and role.valid_to is not None and role.valid_to < day
        sector = "ELI" if ended and role.sector in ("GOV", "MIL", "LEG") else role.sector
    return ActorRef(text=text, actor_id=person.actor_id, name=person.name,
                    country=role.country if role else None, sector=sector)


def place_in_country(ref: ActorRef, country: str) -> None:
    """Give an actor with no country of its own the country its context names (a domestic
    actor: "the interior minister" in a story from Pakistan)."""
    if ref.country is not None:
        return
    ref.country = country
    if ref.actor_id is None or ref.actor_id.startswith("sector:"):
        ref.actor_id = f"{country}:{ref.sector or 'UNK'}"


def _titled(ref: ActorRef, text: str, person: Person, kb: KnowledgeBase) -> ActorRef:
    """A title in the text beats the knowledge base: the text knows the role on its day
    ("Palestinian Prime Minister Ismail Haniyeh", "General Michel Aoun")."""
    starts = [text.find(name) for name in [person.name, *person.aliases] if name and name in text]
    title = text[:min(starts)] if starts else ""
    sector = kb.sector_of(title) if title.strip() else None
    # a role noun with a state or IGO before it names the office too ("U.N. mediator Diego
    # Cordovez" mediates for the UN, whatever post the dictionaries give him)
    words = title.lower().split()
    if sector is not None or (words and words[-1].strip(",") in PERSON_ROLE_NOUNS):
        if sector is not None:
            ref.sector = sector
        countries = kb.countries_in(title)
        if countries:
            ref.country = countries[0][0]
    return ref


def state_ref(text: str, country: str, kb: KnowledgeBase) -> ActorRef:
    """A country's state as the actor a phrase stands for ("his country", "arrested in Iran")."""
    return ActorRef(text=text, actor_id=country, name=kb.country_names.get(country, country),
                    country=country, sector="GOV")


def actor_ref(text: str, actor: Actor) -> ActorRef:
    return ActorRef(text=text, actor_id=actor.actor_id, name=actor.name, country=actor.country,
                    sector=actor.sector)


# sectors an IGO's body can have: its executive, assembly, troops, court, refugee agency...
IGO_FUNCTIONS = {"GOV", "LEG", "MIL", "JUD", "REF", "COP", "MED", "SPY", "EDU"}
UNRESOLVED_PRONOUNS = {"he", "she", "him", "her", "they", "them", "someone", "somebody"}


def resolve_phrase(text: str, kb: KnowledgeBase, registry: ActorRegistry | None = None,
                   day: str | None = None, is_person: bool = False) -> ActorRef:
    """Resolve a noun phrase (a mention or a whole source/target phrase) to an actor."""
    text = text.strip()
    if text.lower() in UNRESOLVED_PRONOUNS:
        # a pronoun the text has not tied to anyone: an unidentified actor (PLOVER UNK)
        return ActorRef(text=text, actor_id=None, name=None, country=None, sector="UNK")
    if is_person and re.fullmatch(r"[A-Z][a-z]+s", text) and kb.misspelled_state(text) is not None:
        is_person = False  # one plural word near a nationality is a people, whatever the tagger says ("Kazahks")
    exact = kb.lookup(text)
    if exact is not None:
        ref = actor_ref(text, exact)
        ref.sector = kb.sector_on(exact, day)
        if exact.kind == "igo":
            # "the Security Council" is the UN's executive, "UN peacekeepers" its military
            # (but the "Union" of the European Union is no trade union)
            function = kb.sector_of(text)
            ref.sector = function if function in IGO_FUNCTIONS else exact.sector
        return ref
    if registry is not None:
        person = registry.find(text, day) if is_person else None
        if person is None:
            person = _person_inside(text, registry)
        if person is not None:
            return _titled(person_ref(text, person, day), text, person, kb)
    listed = kb.dictionary_orgs.get(name_key(re.sub(r"^the\s+", "", text, flags=re.I)))
    if listed is not None:
        # a named organisation of the dictionaries: its country from them, its sector from
        # the words when they tell one ("US Congress": LEG, where CAMEO writes USAGOV), but
        # an armed group is one whatever its name says ("National Union for ... Angola")
        said = kb.sector_of(text)
        if listed.kind == "igo":
            sector = said if said in IGO_FUNCTIONS else listed.sector
        else:
            sector = listed.sector if listed.sector in ("REB", "UAF") else said or listed.sector
        return ActorRef(text=text, actor_id=listed.actor_id, name=listed.name,
                        country=listed.country, sector=sector)
    countries = kb.countries_in(text)
    if not countries:
        named = kb.stateless_org_in(text)
        if named is not None:
            return actor_ref(text, named)
    sector = kb.sector_of(_without_place_names(text, countries, kb))
    if countries:
        code, start, end = countries[0]
        if text[start:end] in kb.demonyms and len(countries) > 1 and \
                re.match(r"\s+(?:of|in|from)\s+(?:the\s+)?(?:[a-z]+\s+)?$", text[end:countries[1][1]]) and \
                countries[1][0] not in kb.codes_of("igo"):
            # "the Albanians of southern Serbia": people are coded where they live
            code, start, end = countries[1]
        named = kb.lookup(text[start:end])
        if sector == "UAF" and named is not None and named.sector:
            sector = named.sector  # "Boko Haram gunmen" are the group's, not unidentified
        igo = code in kb.codes_of("igo")
        if sector is None and igo:
            sector = named.sector if named is not None else None  # what the IGO does, if one thing
        elif sector is None and code not in kb.codes_of("region") and _people_of(text, start, end, kb):
            sector = "CVL"  # "Nigerians", "thousands of Iraqi Kurds": people, not the state
        elif sector is None and _only_the_name(text, start, end):
            # "Russia", "Moscow", "the Russian government": the state (or breakaway region) itself
            sector = "PRE" if code in kb.codes_of("region") else "GOV"
        elif sector is None:
            sector = "UNK"  # a country's actor of no sector we know ("a Syrian island")
        if igo:
            actor_id = code if sector is None or named is None or sector == named.sector else f"{code}:{sector}"
        else:
            actor_id = code if sector in ("GOV", "PRE") else f"{code}:{sector or 'UNK'}"
        return ActorRef(text=text, actor_id=actor_id, name=kb.country_names.get(code, code),
                        country=code, sector=sector)
    if sector is not None and not is_person:
        city_country = country_of_city_in(text, kb)
        if city_country is not None:
            # "Shanghai authorities", "Kano State government": a big city names its country
            return ActorRef(text=text, actor_id=f"{city_country}:{sector}",
                            name=kb.country_names.get(city_country, city_country),
                            country=city_country, sector=sector)
    if is_person:
        return ActorRef(text=text, actor_id=f"person:{_slug(strip_titles(text))}",
                        name=strip_titles(text), country=None, sector=sector)
    if sector:
        return ActorRef(text=text, actor_id=f"sector:{sector}", name=None, country=None,
                        sector=sector)
    town_country = country_of_town(text)
    if town_country is not None:
        # "Mariupol", "Puerto Penasco": a town stands for those in it
        return ActorRef(text=text, actor_id=f"{town_country}:CVL",
                        name=kb.country_names.get(town_country, town_country),
                        country=town_country, sector="CVL")
    misspelled = kb.misspelled_state(text) if not is_person else None
    if misspelled is not None:  # "Kazahks", "Ethopia"
        return actor_ref(text, misspelled)
    return ActorRef(text=text, actor_id=None, name=None, country=None, sector=None)


TOWN_MIN_POPULATION = 1_000


def country_of_town(text: str) -> str | None:
    """The country of a phrase that is just a town's name, when the towns of that name
    (of at least 1,000 people) are in one country or one outnumbers the rest tenfold."""
    from parley.places import load_gazetteer

    name = re.sub(r"^the\s+", "", text.strip(), flags=re.I)
    if not re.fullmatch(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}", name) or name.lower() in STOP_WORDS:
        return None
    candidates = load_gazetteer().candidates(name)
    if any(c.place.feature in ("continent", "macro-region", "water") for c in candidates):
        return None  # "Asia", "the Middle East": no town's, whatever town shares the name
    towns = sorted((c for c in candidates
                    if c.place.feature == "city" and c.population >= TOWN_MIN_POPULATION and c.place.country),
                   key=lambda c: -c.population)
    if not towns:
        return None
    rivals = [c for c in towns if c.place.country != towns[0].place.country]
    if rivals and rivals[0].population * 10 > towns[0].population:
        return None
    return towns[0].place.country


PEOPLE_COUNT_RE = re.compile(r"\b(?:thousands|hundreds|dozens|scores|millions|tens|\d[\d,]*|young|"
                             r"ordinary|many|some|angry|local)\b", re.I)
CITY_MIN_POPULATION = 100_000
STOP_WORDS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "his",
              "her", "front", "party", "union", "government", "army", "council", "state",
              "national", "united", "revolutionary", "democratic", "popular", "people",
              # directions: "the West" is no town (PLOVER gives "the West" no country)
              "west", "east", "north", "south", "western", "eastern", "northern", "southern",
              "central", "middle", "midwest", "orient", "occident"}


def country_of_city_in(text: str, kb: KnowledgeBase | None = None) -> str | None:
    """The country of a large city, or of a state or province only one country has,
    named in a phrase ("Kano State government", "Rakhine rebels"); the largest wins."""
    from parley.places import load_gazetteer

    gazetteer = load_gazetteer()
    kb = kb or load_knowledge()
    pairs = re.findall(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?", text)
    # single words of a pair too ("Kano State"), not a place heading a name ("Georgetown University")
    words = [first for first, second in (p.split() for p in pairs if " " in p)
             if second not in ORG_HEAD_WORDS] + [p.split()[1] for p in pairs if " " in p]
    for name in pairs + words:
        if name.lower() in STOP_WORDS:
            continue  # "The", "Front": words some town also bears as a name
        if name in kb.stateless_peoples:
            continue  # "Roma families" are no Romans
        candidates = gazetteer.candidates(name)
        places = [c for c in candidates if c.place.feature == "city" and c.population >= CITY_MIN_POPULATION]
        regions = [c for c in candidates if c.place.feature == "region"]
        if len({c.place.country for c in regions}) == 1:
            places += regions
        if places:
            return max(places, key=lambda c: c.population).place.country
    return None


def _without_place_names(text: str, countries: list[tuple[str, int, int]], kb: KnowledgeBase) -> str:
    """The phrase with the names of places, states and IGOs blanked: a sector word inside
    such a name is no sector ("the West Bank" is no bank, "the Soviet Union" and "the
    African Union" no trade union; "the Palestinian Authority" keeps its word)."""
    from parley.places import load_gazetteer

    for _code, start, end in countries:
        name = text[start:end]
        named = kb.aliases.get(name)
        state_or_igo = named is not None and named.kind in ("state", "igo") and not name.endswith("Authority")
        if " " in name and (state_or_igo or load_gazetteer().candidates(name)):
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def _people_of(text: str, start: int, end: int, kb: KnowledgeBase) -> bool:
    """Whether a phrase names a nation's people: a plural nationality ("the Nigerians"),
    or one with a people's name or a count ("Iraqi Kurds", "thousands of young Algerians")."""
    rest = text[end:].strip()
    if not re.fullmatch(r"(?:[A-Z][a-z]+s)?", rest) or rest in ORG_HEAD_WORDS:
        return False
    before = text[:start].strip()
    if PEOPLE_COUNT_RE.search(before):
        return True
    return text[start:end] in kb.demonyms and re.fullmatch(r"(?:the)?", before, re.I) is not None and \
        bool(rest or text[start:end].endswith("s"))


def _only_the_name(text: str, start: int, end: int) -> bool:
    rest = (text[:start] + " " + text[end:]).lower()
    rest = re.sub(r"\b(?:the|of|and|'s|’s|government|state|country|nation|side|authorities|"
                  r"officials?|leadership|administration|regime)\b", " ", rest)
    return not re.search(r"[a-z]{3,}", rest)


def _person_inside(text: str, registry: ActorRegistry) -> Person | None:
    """'Lavrov', 'Foreign Minister Lavrov' or 'Sergey Lavrov's spokesman' name a known person."""
    # (names may be hyphenated or accented: "Kassym-Jomart Tokayev", "Khürelsükh")
    # (and may hold lower-case particles: "Omar al-Bashir", "Ursula von der Leyen")
    capitalised = re.findall(r"\b[A-ZÀ-Ý][\w'’\-]+(?:\s+(?:(?:al|el|bin|ibn|de|da|di|du|van|von|der|la|le)[\s-])*"
                             r"[A-ZÀ-Ý][\w'’\-]+)*", text)
    kb = registry.kb
    for chunk in capitalised:
        # nationality and place words are not part of a name: "Armenian Foreign Minister
        # Ararat Mirzoyan" -> "Ararat Mirzoyan"; "Iraqi Kurds" -> "Kurds" (exact match only)
        words = chunk.split()
        if all(w in CALENDAR_WORDS for w in words):
            continue  # "May", "March": a month, whoever bears the name
        kept = [w for w in words if w not in kb.demonyms and w not in kb.aliases]
        chunk = strip_titles(" ".join(kept))
        if len(kept) < len(words) and len(chunk.split()) < 2:
            # a lone word beside a nationality: only someone listed by that very name
            person = registry.named(chunk, exact=True) if chunk else None
            if person is not None:
                return person
            continue
        if chunk and len(chunk) > 2:
            person = registry.named(chunk)
            if person is None and len(chunk.split()) <= 3:
                person = registry.find(chunk)
            if person is not None:
                return person
    return None


def is_igo_code(code: str | None, kb: KnowledgeBase) -> bool:
    """Whether an actor's country code names an international organisation: any code
    that is not an ISO3 country ("UN", "NATO"), and the IGOs of three letters ("ARL")."""
    if not code:
        return False
    return len(code) != 3 or code in kb.codes_of("igo")


def annotate_mentions(parsed: Doc, doc: Document, registry: ActorRegistry) -> None:
    """Record every actor-like entity as a Mention resolved to an actor."""
    sentence_of = _sentence_index(doc)
    doc.mentions = []
    for ent in parsed.ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        ref = resolve_phrase(ent.text, registry.kb, registry, doc.published,
                             is_person=ent.label_ == "PERSON")
        actor = None
        if ref.actor_id:
            actor = Actor(actor_id=ref.actor_id, name=ref.name or ent.text, country=ref.country,
                          sector=ref.sector,
                          kind="person" if ref.actor_id.startswith("person:") else "state")
        doc.mentions.append(Mention(text=ent.text, start=ent.start_char, end=ent.end_char,
                                    sentence_index=sentence_of(ent.start_char), label=ent.label_,
                                    actor=actor))


def _sentence_index(doc: Document):  # type: ignore[no-untyped-def]
    starts = [s.start for s in doc.sentences]

    def find(offset: int) -> int:
        import bisect

        return max(0, bisect.bisect_right(starts, offset) - 1)

    return find


def default_registry() -> ActorRegistry:
    return ActorRegistry(load_knowledge())
