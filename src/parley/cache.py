"""Where Parley keeps what it derives once and reuses: the trained event classifier and
the gazetteer tables built from its data packages. `$PARLEY_MODEL_DIR` moves it (default
`~/.cache/parley`); deleting it only costs the time to rebuild."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

CACHE_DIR_ENV = "PARLEY_MODEL_DIR"
T = TypeVar("T")


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or Path.home() / ".cache" / "parley")


def cached(name: str, build: Callable[[], T]) -> T:
    """The value stored under name, built and stored on first use. A file that cannot be
    read (an older format, a partial write) is rebuilt rather than trusted."""
    path = cache_dir() / name
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # (a temporary file of this process's own: Spark's workers may build at once)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh)
        tmp.replace(path)  # atomic: a reader never sees half a file
    except OSError:
        pass  # a read-only home still works, only slower
    return value
