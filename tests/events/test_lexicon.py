from __future__ import annotations

import ast
from pathlib import Path

import parley.events.lexicon as lexicon
from parley.events.lexicon import NOUNS, VERBS


def test_no_table_repeats_a_type_and_mode():
    # a repeated (TYPE, mode) key in a dict literal silently drops the earlier word list
    tree = ast.parse(Path(lexicon.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [ast.unparse(k) for k in node.keys if k is not None]
            assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_core_triggers_present():
    assert VERBS["attack"][0] == "ASSAULT" and VERBS["help"][0] == "AID"
    assert VERBS["evacuate wounded"][0] == "AID" and VERBS["receive inspector"] == ("RETREAT", "access")
    assert NOUNS["demand"] == ("REQUEST", "change")
