"""Peak memory and outcome of `parley run` on each hostile input of issue 17, one fresh
process per file, as a user would meet them:

    .venv/bin/python benchmarks/hostile.py            # prints a table, records it in results/

Each file is generated here (nothing third-party): a WARC whose page is gzip content-encoded
to 500 MB, a 100 MB text file of repeated paragraphs, a 3 MB line with no full stop, a
sentence of 50,000 words, JSONL with a 5,000-digit id, 200,000 open brackets and a lone
surrogate, a WARC cut short, and UTF-16 and mis-encoded text. A row reports the process's
peak resident memory (os.wait4's ru_maxrss of that process alone), its exit status, the
documents stored and whether anything printed a traceback. Target: no traceback, no abort,
peak RSS under 2 GB on each.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARLEY = ROOT / ".venv" / "bin" / "parley"
LIMIT_MB = 2048


def _warc(path: Path, records: list[tuple[str, bytes, list[tuple[str, str]]]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, body, headers in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body),
                                                          http_headers=http))


PAGE = b"<html><body><p>Turkey proposed a Caucasus platform on Monday.</p></body></html>"
PARAGRAPH = ("Russian troops shelled the outskirts of the town on Tuesday, officials said, and "
             "thousands of residents fled towards the capital.\n\n")


def gzip_bomb(folder: Path) -> None:
    # 500 MB of one letter, gzip-encoded inside the record: about 500 KB on disk
    bomb = gzip.compress(b"<p>" + b"A" * (500 * 1024 * 1024) + b"</p>", compresslevel=9)
    _warc(folder / "bomb.warc.gz", [("http://example.org/bomb", bomb, [("Content-Encoding", "gzip")]),
                                    ("http://example.org/ok", PAGE, [])])


def big_text(folder: Path) -> None:
    with (folder / "huge.txt").open("w", encoding="utf-8") as fh:
        written = 0
        i = 0
        while written < 100 * 1024 * 1024:
            chunk = PARAGRAPH if i % 3 else PARAGRAPH.replace("Tuesday", f"day {i}")
            fh.write(chunk)
            written += len(chunk)
            i += 1


def one_line(folder: Path) -> None:
    (folder / "oneline.txt").write_text(("word " * 600_000).strip(), encoding="utf-8")  # 3 MB, no stop


def long_sentence(folder: Path) -> None:
    words = " and ".join(f"troops attacked village{i}" for i in range(50_000 // 4))
    (folder / "sentence.txt").write_text(f"Officials said {words}.", encoding="utf-8")


def bad_jsonl(folder: Path) -> None:
    lines = ['{"id": ' + "9" * 5000 + ', "text": "Turkey proposed a Caucasus platform."}',
             "[" * 200_000,
             '{"id": "s", "title": "\\ud800 lone", "text": "A lone \\ud800 surrogate in Tbilisi."}',
             json.dumps({"id": "ok", "text": "Georgia accused Russia of shelling Tskhinvali."})]
    (folder / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def cut_warc(folder: Path) -> None:
    whole = folder / "whole.warc.gz"
    _warc(whole, [(f"http://example.org/{i}", PAGE, []) for i in range(5)])
    data = whole.read_bytes()
    whole.unlink()
    (folder / "cut.warc.gz").write_bytes(data[: len(data) * 2 // 3])


def encodings(folder: Path) -> None:
    text = "Грузия обвинила Россию. Georgia accused Russia of shelling Tskhinvali on Tuesday.\n"
    (folder / "utf16.txt").write_bytes(text.encode("utf-16"))
    (folder / "stray.txt").write_bytes(text.encode("utf-8") + b"\xff\xfe stray bytes\n")


CASES: dict[str, Callable[[Path], None]] = {
    "WARC page gzip-encoded to 500 MB": gzip_bomb,
    "100 MB text of repeated paragraphs": big_text,
    "3 MB line without a full stop": one_line,
    "one sentence of 50,000 words": long_sentence,
    "JSONL: 5,000-digit id, 200,000 brackets, lone surrogate": bad_jsonl,
    "WARC cut at two thirds": cut_warc,
    "UTF-16 and stray bytes": encodings,
}


def run_one(folder: Path, db: Path) -> tuple[int, float, float, str]:
    """Exit status, peak RSS in MB, seconds, and the combined output of one run."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen([str(PARLEY), "run", str(folder), "--db", str(db)], cwd=ROOT,
                                   stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    return process.returncode, usage.ru_maxrss / 1024, time.perf_counter() - start, output


def stored(db: Path) -> int:
    import duckdb

    if not db.exists():
        return 0
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM documents").fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            folder = Path(tmp) / make.__name__
            folder.mkdir()
            make(folder)
            size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            db = Path(tmp) / f"{make.__name__}.duckdb"
            code, rss, seconds, output = run_one(folder, db)
            rows.append((name, size, code, rss, seconds, stored(db), "Traceback" in output))
            print(f"{name}: exit {code}, peak {rss:.0f} MB, {seconds:.0f} s", file=sys.stderr)
    lines = [f"# hostile inputs, {dt.date.today().isoformat()} (peak RSS of each `parley run` process)",
             f"{'input':58} {'MB on disk':>10} {'exit':>5} {'peak RSS MB':>12} {'s':>5} {'docs':>5} traceback"]
    for name, size, code, rss, seconds, docs, traceback in rows:
        lines.append(f"{name:58} {size:10.1f} {code:5d} {rss:12.0f} {seconds:5.0f} {docs:5d} {'yes' if traceback else 'no'}")
    worst = max(r[3] for r in rows)
    failed = [r[0] for r in rows if r[6] or r[3] >= LIMIT_MB]
    lines.append(f"worst peak RSS {worst:.0f} MB (target < {LIMIT_MB} MB); "
                 f"{'all within target' if not failed else 'over target: ' + ', '.join(failed)}")
    report = "\n".join(lines)
    print(report)
    out = ROOT / "benchmarks" / "results" / f"{dt.date.today().isoformat()}-hostile.txt"
    out.write_text(report + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
