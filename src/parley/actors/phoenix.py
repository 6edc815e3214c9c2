"""The Phoenix/CAMEO actor dictionaries (TABARI format, MIT) as Parley knowledge.

The dictionaries that PETRARCH2 codes with name about 18,000 people, with dated roles
("VLADIMIR_PUTIN_ ... [RUSGOV >080508]"), and the IGOs, NGOs, companies and armed groups of
the world. They are read from `../shared/data/actors/phoenix/` (or `$PARLEY_PHOENIX`), never
copied into the repository, and parsed once into a cached index (`cache.cached`).

The TABARI format, as these files use it:
- `#` starts a comment; a blank line ends an entry;
- a line of its own starts an entry (`AFGHANISTAN_  [AFG]`); `+NAME` adds a variant to it;
  a name line that follows an entry still without codes is a variant too (the Yeltsin block);
- `_` joins words; a trailing `_` means "this word exactly" (TABARI's stemming is not used);
- codes stand in brackets, inline or on indented lines below: `[RUSGOV 991231-080507]` (a
  role between two dates), `[RUSGOV >080508]` (from a date on), `[RUSELI]` (any other time).
  Dates are YYMMDD (years below 30 are 20xx) or YYYYMMDD.

A CAMEO code is a 3-letter country code followed by 3-letter role codes (`RUSGOVMIL`), or a
transnational prefix: IGO (intergovernmental), NGO, MNC (multinational company), IMG
(international militarised group). See `cameo_country` and `CAMEO_SECTORS` for the mapping
to ISO3 codes and PLOVER sectors; docs/actors.md states it in full.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from parley.actors.knowledge import KnowledgeBase, Person, Role, _slug, name_key, state_actor_id
from parley.model import Actor

PHOENIX_ENV = "PARLEY_PHOENIX"
DEFAULT_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "actors" / "phoenix"
ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
               "Phoenix.MilNonState.actors.txt")
# bump when the parsed form changes, so an old cached index is rebuilt
INDEX_VERSION = 1

# CAMEO role codes -> PLOVER sectors. CAMEO's MED was the media (PLOVER JRN) and HLH
# health (PLOVER MED); PLOVER folds CAMEO's insurgents and separatists into REB (manual,
# sector notes 3 and 4). Parley codes human-rights and other civil-society groups NGO.
CAMEO_SECTORS = {
    "GOV": "GOV", "MIL": "MIL", "REB": "REB", "INS": "REB", "SEP": "REB", "OPP": "OPP",
    "PTY": "PTY", "COP": "COP", "JUD": "JUD", "LEG": "LEG", "SPY": "SPY", "UAF": "UAF",
    "ELI": "ELI", "BUS": "BUS", "MNC": "BUS", "CRM": "CRM", "CVL": "CVL", "EDU": "EDU",
    "LAB": "LAB", "AGR": "AGR", "REF": "REF", "REL": "REL", "MED": "JRN", "HLH": "MED",
    "HRI": "NGO", "NGO": "NGO", "ENV": "NGO", "DEV": "NGO", "MOD": "REL", "RAD": "REL",
    "IGO": "GOV", "IMG": "REB", "PRE": "PRE", "SPP": "REB",
}
# CAMEO country codes that differ from ISO 3166 alpha-3 (CAMEO manual, appendix)
CAMEO_TO_ISO3 = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "ROM": "ROU", "ZAR": "COD",
                 "TMP": "TLS", "SER": "SRB", "KOS": "XKX", "KSV": "XKX", "BRM": "MMR",
                 "DDR": "DEU", "FRG": "DEU", "YUG": "SRB", "FRY": "SRB", "SCG": "SRB",
                 "USR": "RUS", "SUN": "RUS", "CSK": "CZE", "ANG": "AGO"}
# words of an organisation's name, not a person's: a dated entry with one is a group
# whose sector changed ("ISLAMIC_STATE_OF_IRAQ_AND_THE_LEVANT"), or a state's own dates
ORG_NAME_RE = re.compile(
    r"\b(?:FRONT|PARTY|ARMY|STATE|COUNCIL|GROUP|MOVEMENT|FORCES?|BRIGADES?|ORGANI[SZ]ATION|"
    r"UNION|COMMITTEE|GOVERNMENT|MINISTRY|ALLIANCE|LEAGUE|REPUBLIC|ASSOCIATION|BANK|"
    r"AGENCY|COMMISSION|FEDERATION|CONGRESS|ASSEMBLY|PARLIAMENT|COURT|NATIONS|REGIME|"
    r"MILITIA|REBELS|INSURGENTS|JABHAT|JAISH|HARAKAT|TALIBAN)\b")
CODE_RE = re.compile(r"\[\s*([A-Z~]{3,})\s*([^\]]*)\]")
DATE_RANGE_RE = re.compile(r"(\d{6,8})\s*-\s*(\d{6,8})")
DATE_FROM_RE = re.compile(r">\s*(\d{6,8})")
DATE_TO_RE = re.compile(r"<\s*(\d{6,8})")


@dataclass(frozen=True)
class DictRole:
    """One bracketed code of an entry, with the dates it holds between (ISO, None = open)."""

    code: str
    valid_from: str | None = None
    valid_to: str | None = None


@dataclass
class DictEntry:
    """One dictionary entry: its names (the first is the main one) and its codes."""

    names: list[str]
    roles: list[DictRole] = field(default_factory=list)
    file: str = ""
    comment: str = ""

    @property
    def dated(self) -> bool:
        return any(r.valid_from or r.valid_to for r in self.roles)


def iso_date(text: str) -> str | None:
    """TABARI's YYMMDD (or YYYYMMDD) as an ISO date; None for a date that cannot be."""
    if len(text) == 6:
        year = int(text[:2])
        text = f"{2000 + year if year < 30 else 1900 + year}{text[2:]}"
    if len(text) != 8:
        return None  # a slip in the file ("2004017"): no date rather than a wrong one
    month, day = int(text[4:6]), int(text[6:8])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def parse_roles(text: str) -> list[DictRole]:
    roles = []
    for code, dates in CODE_RE.findall(text):
        start = end = None
        if m := DATE_RANGE_RE.search(dates):
            start, end = iso_date(m.group(1)), iso_date(m.group(2))
        elif m := DATE_FROM_RE.search(dates):
            start = iso_date(m.group(1))
        elif m := DATE_TO_RE.search(dates):
            end = iso_date(m.group(1))
        roles.append(DictRole(code=code, valid_from=start, valid_to=end))
    return roles


def dict_name(raw: str) -> str:
    """A dictionary name as words: `VLADIMIR_V._PUTIN_` -> `VLADIMIR V. PUTIN`."""
    return re.sub(r"\s+", " ", raw.replace("_", " ")).strip()


def parse_actor_file(lines: Iterable[str], file: str = "") -> Iterator[DictEntry]:
    """The entries of one TABARI actor file, in order."""
    entry: DictEntry | None = None
    for line in lines:
        comment = ""
        if "#" in line:
            line, comment = line.split("#", 1)
        stripped = line.strip()
        if not stripped:
            if not line.strip() and not comment:  # a truly blank line ends the entry
                if entry is not None and entry.roles:
                    yield entry
                entry = None
            continue
        if stripped.startswith("["):
            if entry is not None:
                entry.roles += parse_roles(stripped)
            continue
        if stripped.startswith("!") or "=" in stripped:
            continue  # agents-file macros: not names
        variant = stripped.startswith("+")
        name_part = CODE_RE.sub("", stripped.lstrip("+")).strip()
        name = dict_name(name_part)
        if not name:
            continue
        if entry is not None and (variant or not entry.roles):
            entry.names.append(name)
        else:
            if entry is not None and entry.roles:
                yield entry
            entry = DictEntry(names=[name], file=file, comment=comment.strip())
        entry.roles += parse_roles(stripped)
    if entry is not None and entry.roles:
        yield entry


def cameo_country(code: str) -> str | None:
    """The ISO3 country of a CAMEO code, or None for a transnational one, a region
    (MEA, WAF), a religion (HIN, BUD) or a bare role (`[ELI]` after an IGO post)."""
    prefix = CAMEO_TO_ISO3.get(code[:3], code[:3])
    return prefix if prefix in _iso3_codes() else None


@lru_cache(maxsize=1)
def _iso3_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries) | {"XKX"}


def cameo_sector(code: str) -> str | None:
    """The PLOVER sector of a CAMEO code: its first role code after the country
    (`AFGGOVAGR` -> GOV: an agriculture minister is the government)."""
    if code[:3] in ("NGO", "MNC", "IMG"):
        return CAMEO_SECTORS[code[:3]]
    if code[:3] == "IGO":
        return None  # an IGO's sector is what its body does: read from the text
    rest = code[3:] if cameo_country(code) or code[:3] not in CAMEO_SECTORS else code
    for i in range(0, len(rest) - 2, 3):
        sector = CAMEO_SECTORS.get(rest[i:i + 3])
        if sector is not None:
            return sector
    return None


def phoenix_dir() -> Path | None:
    """Where the dictionaries are, or None when this machine has none."""
    env = os.environ.get(PHOENIX_ENV)
    path = Path(env) if env else DEFAULT_DIR
    if env is not None and not env:
        return None  # PARLEY_PHOENIX= (empty): run without the dictionaries
    return path if all((path / name).is_file() for name in ACTOR_FILES) else None


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256(str(INDEX_VERSION).encode())
    for name in ACTOR_FILES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


def read_entries(folder: Path) -> list[DictEntry]:
    entries: list[DictEntry] = []
    for name in ACTOR_FILES:
        # the files are mostly ASCII with a few Latin-1 names
        text = (folder / name).read_bytes().decode("utf-8", errors="replace")
        entries += parse_actor_file(text.splitlines(), file=name)
    return entries


@lru_cache(maxsize=2)
def load_entries(folder: str | None = None) -> tuple[DictEntry, ...]:
    """The parsed dictionaries, from the cache when the files are unchanged; () without them."""
    from parley.cache import cached

    path = Path(folder) if folder else phoenix_dir()
    if path is None:
        return ()
    return tuple(cached(f"phoenix-{fingerprint(path)}.pickle", lambda: read_entries(path)))


def display_name(name: str) -> str:
    """`VLADIMIR V. PUTIN` -> `Vladimir V. Putin` (the dictionaries write upper case)."""
    return name.title() if name.isupper() else name


def main_name(names: list[str]) -> str:
    """The display name: the first that is a bare name ("Ban Ki-Moon", not
    "Secretary-General Ban Ki-Moon")."""
    from parley.actors.resolve import strip_titles

    shown = [display_name(n) for n in names]
    return next((n for n in shown if strip_titles(n) == n), shown[0])


def is_person(entry: DictEntry) -> bool:
    """People are the entries with dated roles (and CountryInfo's rulers) that hold a
    sector; the rest are organisations, institutions and groups, and the dated codes of a
    state itself ("LITHUANIA_ [LTU >900311]")."""
    return (entry.dated or "CountryInfo" in entry.comment) and \
        any(cameo_sector(r.code) or r.code.startswith("IGO") for r in entry.roles) and \
        not ORG_NAME_RE.search(entry.names[0])  # (variants may say "PARTY CHIEF BORIS YELTSIN")


def entry_roles(entry: DictEntry, igo_code: str | None) -> list[Role]:
    """The entry's roles as Parley roles: offices, the latest first, then the spells out
    of office (ELI), then the undated fallback."""
    roles = []
    for role in entry.roles:
        country = cameo_country(role.code)
        sector = cameo_sector(role.code)
        if role.code.startswith("IGO"):
            country, sector = igo_code or role.code, "GOV"  # the IGO's head or officer
        if country is None and sector is None:
            continue
        roles.append(Role(country=country, sector=sector, valid_from=role.valid_from,
                          valid_to=role.valid_to))
    # offices before the spells out of office: a document without a date that names
    # Reagan means the president, not the former president he was last
    dated = sorted((r for r in roles if r.valid_from or r.valid_to),
                   key=lambda r: (r.sector != "ELI", r.valid_to or "9999", r.valid_from or ""), reverse=True)
    return dated + [r for r in roles if not (r.valid_from or r.valid_to)]


def igo_of(entry: DictEntry, kb: KnowledgeBase) -> str | None:
    """The Parley IGO an entry's IGO code stands for: one of the knowledge base's by
    name, else by the CAMEO code (UN system, EU, NATO), else the CAMEO code itself."""
    code = next((r.code for r in entry.roles if r.code.startswith("IGO")), None)
    if code is None:
        return None
    for name in entry.names:
        known = kb.lower_aliases.get(name.lower())
        if known is not None and known.kind == "igo":
            return known.country
    for prefix, parley_code in IGO_PREFIXES:
        if code.startswith(prefix):
            return parley_code
    return code


# CAMEO IGO codes of the IGOs Parley knows under its own codes
IGO_PREFIXES = (("IGOUNO", "UN"), ("IGOEUREEC", "EU"), ("IGOWSTNAT", "NATO"),
                ("IGOAFRAFU", "AU"), ("IGOMEAARL", "ARL"), ("IGOSEAASN", "ASEAN"),
                ("IGOBUSIMF", "IMF"), ("IGOUNODEVWBK", "WBK"))


def add_to_knowledge(kb: KnowledgeBase, entries: Iterable[DictEntry]) -> None:
    """The dictionaries' people (with dated roles) and named organisations, where the
    knowledge base does not already know the name (its own tables come first)."""
    for entry in entries:
        igo = igo_of(entry, kb)
        if is_person(entry):
            roles = entry_roles(entry, igo)
            if not roles:
                continue
            name = main_name(entry.names)
            person = Person(actor_id=f"person:{_slug(name)}", name=name,
                            aliases=[display_name(n) for n in entry.names], roles=roles,
                            from_dictionary=True)
            for alias in person.aliases:
                kb.people.setdefault(alias, person)
                kb.dictionary_people.setdefault(name_key(alias), person)
            continue
        # (a group's sector now: its latest dated role, else its undated one)
        role = next((r for r in sorted(entry.roles, key=lambda r: r.valid_to or "9999", reverse=True)
                     if cameo_sector(r.code) or r.code.startswith("IGO")), None)
        if role is None:
            continue  # a bare country code: states come from pycountry and knowledge.yaml
        country = igo if igo else cameo_country(role.code)
        sector = cameo_sector(role.code)
        kind = "igo" if igo else "org"
        name = display_name(entry.names[0])
        actor_id = state_actor_id(country, sector) if country else f"org:{_slug(name)}"
        actor = Actor(actor_id=actor_id, name=name, country=country, sector=sector, kind=kind)
        for variant in entry.names:
            # single words ("CARE", "SHELL", "ASSAD") are too often plain English or a person
            if " " in variant:
                kb.dictionary_orgs.setdefault(name_key(variant), actor)
