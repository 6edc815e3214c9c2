"""`parley bench api`: the web API's latency and throughput on a large synthetic store.

The store is generated directly in DuckDB SQL, in Parley's own schema (documents, events,
mentions, people), with skewed distributions over countries, actors, event types, dates and
places, so that the figures reflect a realistic store rather than a uniform one. A store of
the requested size is reused when the file already holds one.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.events.ontology import QUAD_CLASS, TYPE_SCORE
from parley.store import Store

GENERATOR_VERSION = "1"  # bump when the generated data changes: stored stores are rebuilt

# (code, name, adjective, capital, lat, lon, second city, lat, lon): most prominent first, as
# the generator draws countries with a skew toward the top of the list
COUNTRIES: list[tuple[str, str, str, str, float, float, str, float, float]] = [
    ("USA", "United States", "American", "Washington", 38.90, -77.04, "New York", 40.71, -74.01),
    ("RUS", "Russian Federation", "Russian", "Moscow", 55.75, 37.62, "Saint Petersburg", 59.94, 30.31),
    ("CHN", "China", "Chinese", "Beijing", 39.90, 116.40, "Shanghai", 31.23, 121.47),
    ("UKR", "Ukraine", "Ukrainian", "Kyiv", 50.45, 30.52, "Kharkiv", 49.99, 36.23),
    ("ISR", "Israel", "Israeli", "Jerusalem", 31.77, 35.21, "Tel Aviv", 32.09, 34.78),
    ("IRN", "Iran", "Iranian", "Tehran", 35.69, 51.39, "Isfahan", 32.65, 51.67),
    ("GBR", "United Kingdom", "British", "London", 51.51, -0.13, "Manchester", 53.48, -2.24),
    ("FRA", "France", "French", "Paris", 48.86, 2.35, "Marseille", 43.30, 5.37),
    ("DEU", "Germany", "German", "Berlin", 52.52, 13.40, "Munich", 48.14, 11.58),
    ("TUR", "Turkey", "Turkish", "Ankara", 39.93, 32.86, "Istanbul", 41.01, 28.98),
    ("SYR", "Syria", "Syrian", "Damascus", 33.51, 36.28, "Aleppo", 36.20, 37.13),
    ("IND", "India", "Indian", "New Delhi", 28.61, 77.21, "Mumbai", 19.08, 72.88),
    ("PAK", "Pakistan", "Pakistani", "Islamabad", 33.68, 73.05, "Karachi", 24.86, 67.01),
    ("AFG", "Afghanistan", "Afghan", "Kabul", 34.56, 69.21, "Kandahar", 31.63, 65.71),
    ("IRQ", "Iraq", "Iraqi", "Baghdad", 33.31, 44.36, "Mosul", 36.34, 43.13),
    ("SAU", "Saudi Arabia", "Saudi", "Riyadh", 24.71, 46.68, "Jeddah", 21.49, 39.19),
    ("EGY", "Egypt", "Egyptian", "Cairo", 30.04, 31.24, "Alexandria", 31.20, 29.92),
    ("JPN", "Japan", "Japanese", "Tokyo", 35.68, 139.69, "Osaka", 34.69, 135.50),
    ("KOR", "South Korea", "South Korean", "Seoul", 37.57, 126.98, "Busan", 35.18, 129.08),
    ("PRK", "North Korea", "North Korean", "Pyongyang", 39.04, 125.76, "Kaesong", 37.97, 126.55),
    ("GEO", "Georgia", "Georgian", "Tbilisi", 41.69, 44.83, "Gori", 41.98, 44.11),
    ("ARM", "Armenia", "Armenian", "Yerevan", 40.18, 44.51, "Gyumri", 40.79, 43.85),
    ("AZE", "Azerbaijan", "Azerbaijani", "Baku", 40.41, 49.87, "Ganja", 40.68, 46.36),
    ("YEM", "Yemen", "Yemeni", "Sanaa", 15.37, 44.19, "Aden", 12.79, 45.02),
    ("LBN", "Lebanon", "Lebanese", "Beirut", 33.89, 35.50, "Tripoli", 34.44, 35.85),
    ("PSE", "Palestine", "Palestinian", "Ramallah", 31.90, 35.20, "Gaza", 31.50, 34.47),
    ("NGA", "Nigeria", "Nigerian", "Abuja", 9.08, 7.40, "Lagos", 6.52, 3.38),
    ("ETH", "Ethiopia", "Ethiopian", "Addis Ababa", 9.03, 38.74, "Mekelle", 13.50, 39.47),
    ("SDN", "Sudan", "Sudanese", "Khartoum", 15.50, 32.56, "El Fasher", 13.63, 25.35),
    ("MLI", "Mali", "Malian", "Bamako", 12.64, -8.00, "Timbuktu", 16.77, -3.01),
    ("VEN", "Venezuela", "Venezuelan", "Caracas", 10.48, -66.90, "Maracaibo", 10.65, -71.64),
    ("COL", "Colombia", "Colombian", "Bogota", 4.71, -74.07, "Medellin", 6.24, -75.58),
    ("MEX", "Mexico", "Mexican", "Mexico City", 19.43, -99.13, "Guadalajara", 20.66, -103.35),
    ("BRA", "Brazil", "Brazilian", "Brasilia", -15.79, -47.88, "Sao Paulo", -23.55, -46.63),
    ("ZAF", "South Africa", "South African", "Pretoria", -25.75, 28.19, "Johannesburg", -26.20, 28.05),
    ("KEN", "Kenya", "Kenyan", "Nairobi", -1.29, 36.82, "Mombasa", -4.04, 39.67),
    ("POL", "Poland", "Polish", "Warsaw", 52.23, 21.01, "Krakow", 50.06, 19.94),
    ("BLR", "Belarus", "Belarusian", "Minsk", 53.90, 27.56, "Brest", 52.10, 23.69),
    ("SRB", "Serbia", "Serbian", "Belgrade", 44.79, 20.45, "Novi Sad", 45.27, 19.83),
    ("MMR", "Myanmar", "Myanmar", "Naypyidaw", 19.76, 96.08, "Yangon", 16.87, 96.20),
]
# international organisations: actors without a country of their own
IGOS = [("NATO", "North Atlantic Treaty Organization", "NATO"), ("UN", "United Nations", "the United Nations"),
        ("EU", "European Union", "the European Union"), ("AU", "African Union", "the African Union")]
SECTORS = [("GOV", "government"), ("MIL", "troops"), ("OPP", "opposition"), ("REB", "rebels"),
           ("CVL", "protesters"), ("POL", "police"), ("MED", "media"), ("BUS", "firms")]
FIRST = ["Anna", "Boris", "Chen", "Dmitri", "Elena", "Farid", "Grace", "Hassan", "Ivan", "Jun", "Karim",
         "Leila", "Maria", "Nikolai", "Olga", "Pedro", "Qasim", "Rosa", "Sergey", "Tariq", "Umar",
         "Vera", "Wei", "Yusuf", "Zara", "Amir", "Bilal", "Carlos", "Dara", "Emre"]
LAST = ["Abbas", "Bakr", "Costa", "Dubois", "Erdem", "Fischer", "Garcia", "Haddad", "Ibrahim", "Jovanovic",
        "Kim", "Lavrov", "Moreno", "Novak", "Okafor", "Petrov", "Quinn", "Rahman", "Silva", "Tanaka",
        "Usman", "Volkov", "Wang", "Yilmaz", "Zhang", "Aliyev", "Bianchi", "Cohen", "Diallo", "Evans"]
# PLOVER types with a relative frequency (consultations and accusations are common, aid rare)
TYPE_WEIGHTS = {"CONSULT": 18, "ACCUSE": 11, "ASSAULT": 10, "AGREE": 8, "SUPPORT": 7, "REQUEST": 7,
                "COOPERATE": 6, "THREATEN": 5, "REJECT": 5, "PROTEST": 5, "COERCE": 4, "SANCTION": 3,
                "MOBILIZE": 3, "AID": 3, "CONCEDE": 2, "RETREAT": 3}
VERBS = {"CONSULT": "met", "ACCUSE": "accused", "ASSAULT": "attacked", "AGREE": "agreed with",
         "SUPPORT": "backed", "REQUEST": "urged", "COOPERATE": "cooperated with", "THREATEN": "threatened",
         "REJECT": "rejected a proposal by", "PROTEST": "protested against", "COERCE": "detained members of",
         "SANCTION": "imposed sanctions on", "MOBILIZE": "deployed forces against", "AID": "sent aid to",
         "CONCEDE": "made concessions to", "RETREAT": "withdrew from"}
AGENCIES = ["Reuters", "AP", "AFP", "BBC", "Al Jazeera", "TASS", "Xinhua", "DW", "Anadolu", "Kyodo"]
CLOSINGS = ["officials said", "according to state media", "a spokesman said", "witnesses reported",
            "the ministry said in a statement", "diplomats said", "local media reported", "sources said"]
PERSONS = 3000
EVENTS_PER_DOC = 5


def _values(rows: list[tuple[Any, ...]]) -> str:
    """A VALUES list (for the small reference tables the generator draws from)."""
    def literal(value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        return repr(value)
    return ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)


def _draw(key: str, salt: int) -> str:
    """A uniform number in [0, 1) for row `key`, fixed by the salt: hashing, not random(),
    so the same N always generates the same store, whatever the thread count."""
    return f"((hash({key}, {salt}) % 1000003) / 1000003.0)"


def _actor_sql(u: str, c: str, s: str, p: str, pc: str, g: str) -> str:
    """One drawn actor (a struct in the stored actor shape) for the draw `u`: a country's
    government, one of its sectors, a person or an international organisation."""
    return f"""CASE
        WHEN {u} < 0.55 THEN {{'text': {c}.name, 'actor_id': {c}.code, 'name': {c}.name, 'country': {c}.code,
                              'sector': 'GOV'}}
        WHEN {u} < 0.78 THEN {{'text': {c}.adj || ' ' || {s}.word, 'actor_id': {c}.code || ':' || {s}.sector,
                              'name': {c}.name, 'country': {c}.code, 'sector': {s}.sector}}
        WHEN {u} < 0.94 THEN {{'text': split_part({p}.name, ' ', 2), 'actor_id': {p}.actor_id, 'name': {p}.name,
                              'country': {pc}.code, 'sector': {p}.sector}}
        ELSE {{'text': {g}.text, 'actor_id': {g}.code, 'name': {g}.name, 'country': {g}.code,
              'sector': CAST(NULL AS VARCHAR)}} END"""


def generate_store(path: Path, events: int) -> None:
    """A store of `events` synthetic events (in documents of five) written straight in
    SQL, then its aggregates and search index built as after a run. Overwrites `path`."""
    for stale in (path, Path(f"{path}.wal")):
        stale.unlink(missing_ok=True)
    n = len(COUNTRIES)
    with Store(path) as store:
        con = store.con
        con.execute("SET enable_progress_bar = false")
        con.execute("CREATE TEMP TABLE countries (ci INTEGER, code VARCHAR, name VARCHAR, adj VARCHAR, "
                    "capital VARCHAR, lat DOUBLE, lon DOUBLE, city VARCHAR, clat DOUBLE, clon DOUBLE)")
        con.execute("INSERT INTO countries VALUES " + _values([(i, *c) for i, c in enumerate(COUNTRIES)]))
        con.execute("CREATE TEMP TABLE sectors (si INTEGER, sector VARCHAR, word VARCHAR)")
        con.execute("INSERT INTO sectors VALUES " + _values([(i, *s) for i, s in enumerate(SECTORS)]))
        con.execute("CREATE TEMP TABLE igos (gi INTEGER, code VARCHAR, name VARCHAR, text VARCHAR)")
        con.execute("INSERT INTO igos VALUES " + _values([(i, *g) for i, g in enumerate(IGOS)]))
        total = sum(TYPE_WEIGHTS.values())
        bounds, upto = [], 0
        for event_type, weight in TYPE_WEIGHTS.items():
            bounds.append((event_type, upto / total, (upto + weight) / total, QUAD_CLASS[event_type],
                           TYPE_SCORE[event_type], VERBS[event_type]))
            upto += weight
        bounds[-1] = (*bounds[-1][:2], 1.01, *bounds[-1][3:])
        con.execute("CREATE TEMP TABLE types (event_type VARCHAR, lo DOUBLE, hi DOUBLE, quad_class VARCHAR, "
                    "intensity DOUBLE, verb VARCHAR)")
        con.execute("INSERT INTO types VALUES " + _values(bounds))
        con.execute("CREATE TEMP TABLE words (wi INTEGER, agency VARCHAR, closing VARCHAR)")
        con.execute("INSERT INTO words VALUES " + _values(
            [(i, AGENCIES[i % len(AGENCIES)], CLOSINGS[i % len(CLOSINGS)]) for i in range(len(AGENCIES))]))
        # people: a unique name, a country (skewed like the events' countries) and a sector
        first, last = len(FIRST), len(LAST)
        con.execute(f"""
            CREATE TEMP TABLE persons AS
            SELECT pi, name, 'person:' || lower(replace(name, ' ', '-')) AS actor_id, ci, sector FROM (
                SELECT p AS pi,
                       {FIRST!r}[1 + p % {first}] || ' ' || {LAST!r}[1 + (p // {first}) % {last}]
                       || CASE WHEN p >= {first * last} THEN ' ' || (p // {first * last} + 1)::VARCHAR ELSE '' END
                       AS name,
                       floor({n} * pow({_draw('p', 1)}, 1.8))::INTEGER AS ci,
                       CASE WHEN {_draw('p', 2)} < 0.7 THEN 'GOV' WHEN {_draw('p', 2)} < 0.85 THEN 'MIL'
                            ELSE 'OPP' END AS sector
                FROM range({PERSONS}) t(p))""")
        # every random choice of an event, drawn once: countries and people skewed toward the
        # prominent ones, the date per document (later years busier), precision, place
        con.execute(f"""
            CREATE TEMP TABLE drawn AS
            SELECT i, d, k,
                   floor({n} * pow({_draw('i', 10)}, 2.2))::INTEGER AS sci,
                   (floor({n} * pow({_draw('i', 11)}, 2.0))::INTEGER
                    + CASE WHEN {_draw('i', 12)} < 0.1 THEN 0 ELSE 1 END) % {n} AS tci,
                   (floor({n} * pow({_draw('i', 28)}, 2.0))::INTEGER + 3) % {n} AS t2ci,
                   floor({len(SECTORS)} * pow({_draw('i', 13)}, 1.5))::INTEGER AS ssi,
                   floor({len(SECTORS)} * pow({_draw('i', 14)}, 1.5))::INTEGER AS tsi,
                   floor({PERSONS} * pow({_draw('i', 15)}, 3))::INTEGER AS spi,
                   floor({PERSONS} * pow({_draw('i', 16)}, 3))::INTEGER AS tpi,
                   floor({len(IGOS)} * {_draw('i', 17)})::INTEGER AS sgi,
                   floor({len(IGOS)} * {_draw('i', 18)})::INTEGER AS tgi,
                   {_draw('i', 19)} AS su, {_draw('i', 20)} AS tu, {_draw('i', 21)} AS second,
                   {_draw('i', 22)} AS tu2, {_draw('i', 23)} AS typ, {_draw('i', 24)} AS loc,
                   floor(5844 * sqrt({_draw('d', 25)}))::INTEGER AS day, {_draw('i', 26)} AS precision,
                   (hash(i, 27) % {len(AGENCIES)})::INTEGER AS wi, (hash(d, 29) % {len(AGENCIES)})::INTEGER AS di,
                   {_draw('i', 30)} AS conf, hash(i, 31) % greatest(1, {events} // 3) AS story
            FROM (SELECT i, i // {EVENTS_PER_DOC} AS d, i % {EVENTS_PER_DOC} AS k FROM range({events}) t(i))""")
        src = _actor_sql("x.su", "sc", "ss", "sp", "spc", "sg")
        tgt = _actor_sql("x.tu", "tc", "ts", "tp", "tpc", "tg")
        tgt2 = _actor_sql("x.tu2", "t2c", "ts", "tp", "tpc", "tg")
        con.execute(f"""
            CREATE TEMP TABLE gen AS
            SELECT x.i, x.d, x.k, x.story, x.conf, ty.event_type, ty.quad_class, ty.intensity, ty.verb,
                   [{src}] AS src,
                   CASE WHEN x.second < 0.1 THEN [{tgt}, {tgt2}] ELSE [{tgt}] END AS tgt,
                   CASE WHEN x.loc < 0.52 THEN {{'name': tc.capital, 'country': tc.code, 'lat': tc.lat,
                                                 'lon': tc.lon, 'geonames_id': 1000 + tc.ci, 'feature': 'city'}}
                        WHEN x.loc < 0.65 THEN {{'name': tc.city, 'country': tc.code, 'lat': tc.clat,
                                                 'lon': tc.clon, 'geonames_id': 2000 + tc.ci, 'feature': 'city'}}
                        END AS place,
                   CASE WHEN x.precision < 0.03 THEN NULL
                        WHEN x.precision < 0.04 THEN strftime(DATE '2010-01-01' + x.day, '%Y')
                        WHEN x.precision < 0.06 THEN strftime(DATE '2010-01-01' + x.day, '%Y-%m')
                        ELSE strftime(DATE '2010-01-01' + x.day, '%Y-%m-%d') END AS date,
                   CASE WHEN x.precision < 0.03 THEN 'none' WHEN x.precision < 0.04 THEN 'year'
                        WHEN x.precision < 0.06 THEN 'month' ELSE 'day' END AS date_precision,
                   strftime(DATE '2010-01-01' + x.day, '%Y-%m-%d') AS published,
                   w.closing, dw.agency
            FROM drawn x
            JOIN types ty ON x.typ >= ty.lo AND x.typ < ty.hi
            JOIN countries sc ON sc.ci = x.sci JOIN sectors ss ON ss.si = x.ssi
            JOIN persons sp ON sp.pi = x.spi JOIN countries spc ON spc.ci = sp.ci JOIN igos sg ON sg.gi = x.sgi
            JOIN countries tc ON tc.ci = x.tci JOIN sectors ts ON ts.si = x.tsi
            JOIN persons tp ON tp.pi = x.tpi JOIN countries tpc ON tpc.ci = tp.ci JOIN igos tg ON tg.gi = x.tgi
            JOIN countries t2c ON t2c.ci = x.t2ci
            JOIN words w ON w.wi = x.wi JOIN words dw ON dw.wi = x.di""")
        con.execute("DROP TABLE drawn")
        # a sentence of at most 199 characters: documents are their events' sentences, each
        # padded to 200 characters, so every sentence sits at its stored offset
        con.execute("""
            CREATE TEMP TABLE gen2 AS
            SELECT *, left(src[1].text || ' ' || verb || ' ' || tgt[1].text
                           || coalesce(' in ' || place.name, '') || ', ' || closing || '.', 199) AS sentence,
                      count(*) OVER (PARTITION BY story) AS story_events,
                      count(DISTINCT agency) OVER (PARTITION BY story) AS story_sources
            FROM gen""")
        con.execute("DROP TABLE gen")
        con.execute("""
            INSERT INTO events BY NAME
            SELECT substr(md5('e' || i), 1, 16) AS event_id, substr(md5('d' || d), 1, 16) AS doc_id,
                   event_type, CAST(NULL AS VARCHAR) AS mode, quad_class, intensity,
                   conf < 0.03 AS negated, false AS future, false AS hypothetical, false AS historical,
                   to_json(src) AS source, to_json(tgt) AS target,
                   list_sort(list_distinct(list_filter(list_transform(src, a -> a.country), c -> c IS NOT NULL)))
                       AS source_countries,
                   list_sort(list_distinct(list_filter(list_transform(tgt, a -> a.country), c -> c IS NOT NULL)))
                       AS target_countries,
                   date, date_precision, CASE WHEN date IS NULL THEN NULL ELSE 'on ' || date END AS date_text,
                   false AS date_inferred, to_json(place) AS location, sentence,
                   k * 200 AS sentence_start, k * 200 + length(sentence) AS sentence_end,
                   split_part(verb, ' ', 1) AS trigger, k * 200 + length(src[1].text) + 1 AS trigger_start,
                   0 AS trigger_depth, round(0.5 + conf / 2, 3) AS confidence,
                   CASE WHEN conf < 0.6 THEN 'rule:' || split_part(verb, ' ', 1) ELSE 'model:minilm' END AS coded_by,
                   's' || substr(md5('s' || story), 1, 12) AS story_id,
                   least(story_events, 6)::INTEGER AS num_articles, story_sources::INTEGER AS num_sources
            FROM gen2""")
        con.execute("""
            INSERT INTO documents BY NAME
            SELECT substr(md5('d' || d), 1, 16) AS doc_id, 'synthetic/wire-' || (d // 1000) || '.jsonl#' || d AS origin,
                   'jsonl' AS fmt, arg_min(sentence, k) AS title, any_value(agency) AS source,
                   'https://example.org/news/' || d AS url, CAST(NULL AS VARCHAR) AS author,
                   CASE WHEN hash(d, 40) % 20 = 0 THEN NULL ELSE any_value(published) END AS published,
                   CAST(NULL AS VARCHAR) AS dateline,
                   string_agg(rpad(sentence, 199, ' '), ' ' ORDER BY k) AS text, '[]' AS warnings, true AS coded
            FROM gen2 GROUP BY d""")
        con.execute("""
            INSERT INTO mentions BY NAME
            SELECT substr(md5('d' || d), 1, 16) AS doc_id, a.text, k * 200 AS start_char,
                   k * 200 + length(a.text) AS end_char,
                   CASE WHEN starts_with(a.actor_id, 'person:') THEN 'PERSON' ELSE 'ORG' END AS label,
                   a.actor_id, a.country, a.sector
            FROM (SELECT d, k, unnest(list_concat(src, tgt)) AS a FROM gen2)""")
        con.execute("""
            INSERT INTO people BY NAME
            SELECT p.actor_id, p.name, to_json([p.name, split_part(p.name, ' ', 2)]) AS aliases,
                   to_json([{'country': c.code, 'sector': p.sector, 'title': 'Minister',
                             'valid_from': (2008 + p.pi % 10)::VARCHAR || '-01-15', 'valid_to': NULL}]) AS roles
            FROM persons p JOIN countries c USING (ci)""")
        con.execute("DROP TABLE gen2")
        store.build_search_index()
        store.mark_stories_current()
        con.execute("INSERT OR REPLACE INTO meta VALUES ('bench_api', ?)", [f"{events}:{GENERATOR_VERSION}"])
        con.execute("CHECKPOINT")


def ensure_store(path: Path, events: int) -> bool:
    """The store at `path`, generated unless it already holds `events` generated events;
    True when it was (re)generated."""
    if path.exists():
        try:
            with Store(path, read_only=True) as store:
                row = store.con.execute("SELECT value FROM meta WHERE key = 'bench_api'").fetchone()
            if row is not None and row[0] == f"{events}:{GENERATOR_VERSION}":
                return False
        except Exception:  # noqa: BLE001 - not a store of ours (or cut short): generate it again
            pass
    generate_store(path, events)
    return True


# ---- timing the API ------------------------------------------------------------------------

@dataclass
class Figure:
    name: str
    value: float
    unit: str = "ms"

    def line(self) -> str:
        value = f"{self.value:.0f}" if self.unit == "count" else f"{self.value:.1f}"
        return f"{self.name}: {value}" + (f" {self.unit}" if self.unit not in ("", "count") else "")


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def bench_queries(path: Path) -> list[tuple[str, str]]:
    """The listed queries, named, with ids drawn from the store itself: its busiest actor,
    person and pair, a deep page by offset and the same page by cursor."""
    with Store(path, read_only=True) as store:
        total = store.count_events()
        top = store.query("SELECT actor_id FROM agg_actors ORDER BY events DESC, actor_id LIMIT 2"
                          if store.aggregated else "SELECT actor_id FROM mentions WHERE actor_id IS NOT NULL "
                          "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2")
        person = store.query("SELECT actor_id FROM mentions WHERE actor_id LIKE 'person:%' "
                             "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
        country = store.query("SELECT country FROM (SELECT unnest(source_countries) AS country FROM events) "
                              "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3")
        deep = max(0, total // 2)
        cursor = store.event_page(limit=50, offset=max(0, deep - 50))[1] if total > 50 else None
    a, b = (top + top)[0]["actor_id"], (top + top)[1]["actor_id"]
    third = country[-1]["country"] if country else "USA"
    who = person[0]["actor_id"] if person else a
    quote = urllib.parse.quote
    queries = [
        ("summary", "/api/summary"),
        ("events", "/api/events"),
        ("events_country", f"/api/events?country={third}"),
        ("events_type", "/api/events?type=ASSAULT"),
        ("events_actor", f"/api/events?actor={quote(who.split(':')[-1].split('-')[-1])}"),
        ("events_dates", "/api/events?since=2020-01&until=2020-03"),
        ("events_type_country_dates", f"/api/events?type=ASSAULT&country={third}&since=2019"),
        ("events_text_q", "/api/events?q=sanctions"),
        ("events_sorted", "/api/events?sort=-intensity"),
        ("events_deep_offset", f"/api/events?offset={deep}"),
        ("actors", "/api/actors"),
        ("actor_page", f"/api/actors/{quote(a)}"),
        ("actor_page_person", f"/api/actors/{quote(who)}"),
        ("dyad", f"/api/dyad?a={quote(a)}&b={quote(b)}"),
        ("map", "/api/map"),
        ("map_filtered", "/api/map?type=ASSAULT"),
        ("network", "/api/network"),
        ("network_filtered", f"/api/network?country={third}"),
        ("stories", "/api/stories"),
        ("stories_filtered", "/api/stories?type=PROTEST"),
    ]
    if cursor:
        queries.insert(10, ("events_deep_cursor", f"/api/events?after={cursor}"))
    return queries


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`parley serve` on 127.0.0.1 in a child process (its own interpreter: the clients'
    threads here do not compete with it for one GIL)."""

    def __init__(self, db: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        code = ("import sys, uvicorn; from parley.api import create_app; "
                "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')")
        self.process = subprocess.Popen([sys.executable, "-c", code, str(db), str(self.port)])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/summary", timeout=30).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the API server exited at start") from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the API server did not start within a minute")

    def get(self, url: str, timeout: float = 60) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + url, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def time_queries(server: Server, queries: list[tuple[str, str]], repeats: int = 15) -> list[Figure]:
    """Each query alone, `repeats` times after one untimed call: median and p95 latency."""
    figures = []
    for name, url in queries:
        status, _ = server.get(url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            server.get(url)
            times.append(1000 * (time.perf_counter() - start))
        figures += [Figure(f"{name}_median", statistics.median(times)), Figure(f"{name}_p95", _quantile(times, 0.95))]
    return figures


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    export_bytes: int = 0
    export_done: bool = False


def concurrent_load(server: Server, queries: list[tuple[str, str]], clients: int = 50,
                    seconds: float = 20.0, export: bool = True) -> list[Figure]:
    """`clients` threads, each asking the queries in turn (from a different start) for
    `seconds`, while one more streams a CSV export of every event: requests per second,
    p50 and p99 latency, errors, and how much of the export came through meanwhile."""
    result = LoadResult()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        i = k
        while time.monotonic() < stop:
            url = queries[i % len(queries)][1]
            i += 1
            start = time.perf_counter()
            try:
                status, _ = server.get(url, timeout=120)
            except OSError:
                status = 0
            elapsed = 1000 * (time.perf_counter() - start)
            with lock:
                result.latencies.append(elapsed)
                result.errors += status != 200

    def exporter() -> None:
        try:
            with urllib.request.urlopen(f"{server.url}/api/export?format=csv", timeout=600) as response:
                while time.monotonic() < stop:
                    chunk = response.read(1 << 16)
                    if not chunk:
                        result.export_done = True
                        break
                    result.export_bytes += len(chunk)
        except OSError:
            with lock:
                result.errors += 1

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    if export:
        threads.append(threading.Thread(target=exporter, daemon=True))
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    wall = time.monotonic() - began
    done = len(result.latencies)
    return [Figure("concurrent_clients", clients, "count"), Figure("concurrent_requests", done, "count"),
            Figure("concurrent_req_per_s", done / wall if wall else 0.0, ""),
            Figure("concurrent_p50", _quantile(result.latencies, 0.5)),
            Figure("concurrent_p99", _quantile(result.latencies, 0.99)),
            Figure("concurrent_errors", result.errors, "count"),
            Figure("export_streamed_mb", result.export_bytes / 1e6, "")]


def run_api_bench(db: Path, events: int, clients: int = 50, seconds: float = 20.0, repeats: int = 15,
                  report: Callable[[str], None] = print) -> list[Figure]:
    """Make (or reuse) the store, serve it, time each query alone, then under load."""
    start = time.perf_counter()
    made = ensure_store(db, events)
    report(f"store: {db} ({events} events, {'generated' if made else 'reused'} in "
           f"{time.perf_counter() - start:.1f} s)")
    queries = bench_queries(db)
    # the load mixes the listed queries; the filtered map, network and story lists are timed
    # alone only (extra figures: a filtered view reads the events, not a pre-counted table)
    listed = [(name, url) for name, url in queries if not name.endswith("_filtered")]
    with Server(db) as server:
        figures = [Figure("events", events, "count")] + time_queries(server, queries, repeats)
        figures += concurrent_load(server, listed, clients, seconds)
    return figures
