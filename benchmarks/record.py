"""Run `parley bench` and every `parley eval`, and record their figures with the date and
the commit in benchmarks/results/, so quality and speed can be compared across changes.

    .venv/bin/python benchmarks/record.py            # everything
    .venv/bin/python benchmarks/record.py events     # one evaluation
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARLEY = ROOT / ".venv" / "bin" / "parley"
RUNS = {
    "bench": ["bench"],
    "clean": ["eval", "clean"],
    "events": ["eval", "events"],
    "actors": ["eval", "actors"],
    "time": ["eval", "time"],
    "places": ["eval", "places"],
    "stories": ["eval", "stories"],
}


def main(names: list[str]) -> int:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{dt.date.today().isoformat()}-{commit or 'nocommit'}.txt"
    failed = 0
    with out.open("w", encoding="utf-8") as fh:
        for name in names or list(RUNS):
            result = subprocess.run([str(PARLEY), *RUNS[name]], cwd=ROOT, capture_output=True, text=True)
            fh.write(f"## {name}\n{result.stdout}\n")
            print(f"## {name}\n{result.stdout}", end="")
            if result.returncode:
                failed += 1
                print(result.stderr, file=sys.stderr)
    print(f"recorded in {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
