"""The Phoenix/CAMEO dictionaries: TABARI parsing, CAMEO code mapping, merging with the
leaders file, and the registry's name index. The parser tests use a small file written here
in the TABARI format, not the dictionaries' own text."""

from __future__ import annotations

import pytest
import yaml

from parley.actors import ActorRegistry, load_knowledge, resolve_phrase
from parley.actors.knowledge import KnowledgeBase, Person, Role, name_key
from parley.actors.phoenix import (
    add_to_knowledge,
    cameo_country,
    cameo_sector,
    is_person,
    iso_date,
    load_entries,
    parse_actor_file,
    phoenix_dir,
)
from parley.model import Actor

SAMPLE = """\
# a comment line
RUTANIA_  [RUT]
+RUTANIAN_

# a ruler, with a block of variants and dated roles
ANNA_EXAMPLOVA_  # CountryInfo.txt
+ANNA_P._EXAMPLOVA
EXAMPLOVA
PRESIDENT_EXAMPLOVA
\t[RUSELI 700101-990809]
\t[RUSGOV >080508]
\t[RUSGOV 990809-000507]
\t[RUSELI]
KOFI_SAMPLE_\t[IGOUNO 970101-061231] [ELI]
PEOPLES_FRONT_OF_SAMPLE [MEAREB 20010101-20120101] [SYRREB]
SAMPLE_LIBERATION_ARMY_ [ANGREB] #  kkl
+SAMPLE_ARMED_BRIGADES_
BROKEN_DATES_ [USAGOV 2004017-20061201]
UNCODED_NAME_

"""


def entries():
    return list(parse_actor_file(SAMPLE.splitlines(), file="sample"))


def test_tabari_entries_variants_and_dated_roles():
    found = {e.names[0]: e for e in entries()}
    assert set(found) == {"RUTANIA", "ANNA EXAMPLOVA", "KOFI SAMPLE", "PEOPLES FRONT OF SAMPLE",
                          "SAMPLE LIBERATION ARMY", "BROKEN DATES"}  # an uncoded name is no entry
    anna = found["ANNA EXAMPLOVA"]
    # "+" variants and the bare name lines of a block without codes yet are all her names
    assert anna.names == ["ANNA EXAMPLOVA", "ANNA P. EXAMPLOVA", "EXAMPLOVA", "PRESIDENT EXAMPLOVA"]
    assert [(r.code, r.valid_from, r.valid_to) for r in anna.roles] == [
        ("RUSELI", "1970-01-01", "1999-08-09"), ("RUSGOV", "2008-05-08", None),
        ("RUSGOV", "1999-08-09", "2000-05-07"), ("RUSELI", None, None)]
    assert [r.code for r in found["KOFI SAMPLE"].roles] == ["IGOUNO", "ELI"]
    assert found["SAMPLE LIBERATION ARMY"].names[1] == "SAMPLE ARMED BRIGADES"
    # a mistyped date is open, not guessed
    assert (found["BROKEN DATES"].roles[0].valid_from, found["BROKEN DATES"].roles[0].valid_to) == (None, "2006-12-01")


def test_dates_codes_and_sectors():
    assert iso_date("991231") == "1999-12-31" and iso_date("080507") == "2008-05-07"
    assert iso_date("19270101") == "1927-01-01" and iso_date("2004017") is None and iso_date("991341") is None
    assert (cameo_country("RUSGOVMIL"), cameo_sector("RUSGOVMIL")) == ("RUS", "GOV")
    assert (cameo_country("ANGREB"), cameo_sector("ANGREB")) == ("AGO", "REB")  # CAMEO's own code
    assert (cameo_country("MEAREB"), cameo_sector("MEAREB")) == (None, "REB")  # a region
    assert (cameo_country("ELI"), cameo_sector("ELI")) == (None, "ELI")  # a bare role
    assert cameo_sector("USAMED") == "JRN" and cameo_sector("USAHLH") == "MED"  # PLOVER renamed them
    assert cameo_sector("NGOHRI") == "NGO" and cameo_sector("MNCUSA") == "BUS"
    assert cameo_sector("AFGGOVAGR") == "GOV"  # the first role counts


def test_people_and_organisations_go_to_their_tables():
    kb = KnowledgeBase()
    kb.add_alias("United Nations", Actor(actor_id="UN", name="United Nations", country="UN", sector=None,
                                         kind="igo"))
    found = {e.names[0]: e for e in entries()}
    assert is_person(found["ANNA EXAMPLOVA"]) and is_person(found["KOFI SAMPLE"])
    assert not is_person(found["PEOPLES FRONT OF SAMPLE"])  # dated, but a group's name
    add_to_knowledge(kb, entries())
    anna = kb.people["Anna Examplova"]
    assert anna.from_dictionary and anna.name == "Anna Examplova"
    # offices, the latest first, then spells out of office, then the undated fallback
    assert [(r.country, r.sector, r.valid_from) for r in anna.roles] == [
        ("RUS", "GOV", "2008-05-08"), ("RUS", "GOV", "1999-08-09"), ("RUS", "ELI", "1970-01-01"),
        ("RUS", "ELI", None)]
    assert kb.people["Kofi Sample"].roles[0].country == "UN"  # an IGO's officer
    army = kb.dictionary_orgs[name_key("Sample Armed Brigades")]
    assert (army.country, army.sector) == ("AGO", "REB")
    front = kb.dictionary_orgs[name_key("Peoples Front of Sample")]
    assert (front.country, front.sector) == ("SYR", "REB")  # its latest role: the undated one
    assert "rutania" not in kb.lower_aliases  # a bare country code adds no state


def test_a_person_resolves_to_the_role_of_the_day():
    kb = KnowledgeBase()
    add_to_knowledge(kb, entries())
    registry = ActorRegistry(kb)
    on = {day: resolve_phrase("Anna Examplova", kb, registry, day, is_person=True)
          for day in ("1990-01-01", "2010-01-01", "2005-01-01")}
    assert (on["1990-01-01"].country, on["1990-01-01"].sector) == ("RUS", "ELI")
    assert on["2010-01-01"].sector == "GOV"
    assert on["2005-01-01"].sector == "ELI"  # between her terms: the undated fallback
    # a listed surname, a variant with initials, and a misspelled surname with a first name
    assert registry.find("Examplova").name == "Anna Examplova"
    assert registry.find("Anna P Examplova").name == "Anna Examplova"
    assert registry.find("Anna Exsamplova").name == "Anna Examplova"
    assert registry.find("Boris Examplova") is None  # another first name is someone else


def test_a_dictionary_person_is_not_known_by_an_unlisted_surname():
    kb = KnowledgeBase()
    add_to_knowledge(kb, entries())
    registry = ActorRegistry(kb)
    assert registry.find("Kofi Sample") is not None
    assert registry.find("Sample") is None  # not listed alone: "Sample said" is anyone
    # once a text names them with a role, the surname is theirs in this run
    registry.learn("Kofi Sample", Role(country="GHA", sector="GOV"), "2010-01-01")
    assert registry.find("Sample").name == "Kofi Sample"
    assert [p.name for p in registry.changed_people()] == ["Kofi Sample"]
    assert registry.changed_people() == []  # each change is handed over once


def test_a_stored_person_replaces_the_dictionary_copy():
    kb = KnowledgeBase()
    add_to_knowledge(kb, entries())
    registry = ActorRegistry(kb)
    stored = Person(actor_id="person:anna-examplova", name="Anna Examplova", aliases=["Anna Examplova"],
                    roles=[Role(country="UKR", sector="JRN", valid_from="2015-01-01")])
    registry.add_stored(stored)
    assert resolve_phrase("Anna Examplova", kb, registry, "2016-01-01", is_person=True).country == "UKR"
    assert len([p for p in registry.people if p.actor_id == "person:anna-examplova"]) == 1


needs_dictionaries = pytest.mark.skipif(phoenix_dir() is None, reason="no Phoenix dictionaries here")


@needs_dictionaries
def test_leaders_file_keeps_only_what_the_dictionaries_lack():
    """The rule for leaders.yaml (docs/actors.md): an entry stays when the dictionaries do not
    hold the person, or when it states a role open or starting or ending after they end."""
    from importlib import resources

    held = {name_key(n) for e in load_entries() if is_person(e) for n in e.names}
    data = yaml.safe_load(resources.files("parley.actors").joinpath("leaders.yaml").read_text("utf-8"))
    redundant = []
    for entry in data["people"]:
        names = [entry["name"], *entry.get("aliases", [])]
        late = any(role.get("to") is None or str(role.get("from") or "") > "2014-01-30"
                   or str(role["to"]) > "2014-01-30" for role in entry.get("roles", []))
        if any(name_key(n) in held for n in names) and not late:
            redundant.append(entry["name"])
    assert redundant == []


@needs_dictionaries
def test_the_dictionaries_reach_the_knowledge_base():
    kb = load_knowledge(dictionaries=True)
    assert len({id(p) for p in kb.people.values()}) > 15_000
    registry = ActorRegistry(kb)
    # not in leaders.yaml: known from the dictionaries alone, with the role of the day
    yeltsin = resolve_phrase("Boris Yeltsin", kb, registry, "1995-06-01", is_person=True)
    assert (yeltsin.country, yeltsin.sector) == ("RUS", "GOV")
    assert resolve_phrase("Boris Yeltsin", kb, registry, "2003-06-01", is_person=True).sector == "ELI"
    # in both: the leaders entry ends his term, the dictionary's open role does not outlive it
    karzai = resolve_phrase("Hamid Karzai", kb, registry, "2020-01-01", is_person=True)
    assert (karzai.country, karzai.sector) == ("AFG", "ELI")
    unita = resolve_phrase("National Union for the Total Independence of Angola", kb)
    assert (unita.country, unita.sector) == ("AGO", "REB")
    bare = load_knowledge(dictionaries=False)
    assert resolve_phrase("Boris Yeltsin", bare, ActorRegistry(bare), "1995-06-01", is_person=True).country is None
