from __future__ import annotations

from parley.cache import cached


def test_built_once_then_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_MODEL_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"rows": [1, 2, 3]}

    assert cached("table.pickle", build) == {"rows": [1, 2, 3]}
    assert cached("table.pickle", build) == {"rows": [1, 2, 3]}
    assert len(calls) == 1


def test_an_unreadable_file_is_rebuilt_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_MODEL_DIR", str(tmp_path))
    (tmp_path / "table.pickle").write_bytes(b"not a pickle")
    assert cached("table.pickle", lambda: [42]) == [42]
    assert cached("table.pickle", lambda: [0]) == [42]  # the rebuilt value was stored
