"""Actors: resolve mentions to canonical actors (country ISO3 / IGO code + PLOVER sector)."""

from parley.actors.knowledge import KnowledgeBase, load_knowledge
from parley.actors.resolve import ActorRegistry, annotate_mentions, learn_roles, resolve_phrase

__all__ = ["ActorRegistry", "KnowledgeBase", "annotate_mentions", "learn_roles", "load_knowledge",
           "resolve_phrase"]
