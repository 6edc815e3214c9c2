"""What the document around a mention tells about its actor.

A state's name may also be a division of another country: "Georgia" is the Caucasus state
and a US state. Name by name, the knowledge base takes the state; the document decides
otherwise when it names places of that division (Atlanta, Fulton County) and nothing of the
state (Tbilisi, Georgians, Saakashvili).
"""

from __future__ import annotations

from parley.actors.knowledge import KnowledgeBase, state_actor_id
from parley.model import ActorRef, Document

PLACE_LABELS = ("GPE", "LOC", "FAC")


def divisions_meant(doc: Document, kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    """State names the document uses for a division of another country:
    name -> (the state's code, the division's country)."""
    from parley.places import load_gazetteer

    gazetteer = load_gazetteer()
    meant: dict[str, tuple[str, str]] = {}
    names = {m.text for m in doc.mentions if m.label in PLACE_LABELS}
    for name in names:
        state = kb.lookup(name)
        if state is None or state.kind != "state" or not state.country:
            continue
        divisions = [c for c in gazetteer.candidates(name)
                     if c.place.feature == "region" and c.place.country not in (None, state.country)]
        if not divisions:
            continue
        others = [m for m in doc.mentions if m.text != name]
        # evidence for the state: any other mention of it, as an actor or a place
        if any(m.actor is not None and m.actor.country == state.country for m in others):
            continue
        for division in divisions:
            # evidence for the division: another place whose likeliest reading lies in it
            inside = 0
            for other in {m.text for m in others if m.label in PLACE_LABELS}:
                candidates = gazetteer.candidates(other)
                if not candidates:
                    continue
                top = max(candidates, key=lambda c: c.population)
                if top.place.country == state.country:
                    inside = -1  # a place of the state itself: keep the state
                    break
                inside += top.admin1 == division.admin1 and top.place.name != division.place.name
            if inside > 0 and division.place.country:
                meant[name] = (state.country, division.place.country)
                break
    return meant


def relocate_divisions(doc: Document, kb: KnowledgeBase) -> None:
    """Give the actors named by a division (not the state of that name) its country:
    "convicted in Georgia" beside "a Fulton County deputy" is the US state's doing."""
    meant = divisions_meant(doc, kb)
    if not meant:
        return
    for event in doc.events:
        for ref in event.source + event.target:
            _relocate(ref, meant, kb)
    for mention in doc.mentions:
        if mention.actor is not None and mention.text in meant:
            state, country = meant[mention.text]
            if mention.actor.country == state:
                mention.actor.country = country
                mention.actor.actor_id = state_actor_id(country, mention.actor.sector)


def _relocate(ref: ActorRef, meant: dict[str, tuple[str, str]], kb: KnowledgeBase) -> None:
    # the document names nothing else of the state: whatever has its code has it from the
    # name ("Protesters in Georgia" placed by "in Georgia")
    for state, country in meant.values():
        if ref.country == state:
            ref.country = country
            ref.name = kb.country_names.get(country, country)
            ref.actor_id = state_actor_id(country, ref.sector)
            return
