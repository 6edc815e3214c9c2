"""Events: PLOVER event coding (type, mode, source, target, modality, quotes)."""

from parley.events.coder import code_document, code_sentence

__all__ = ["code_document", "code_sentence"]
