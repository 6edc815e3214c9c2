"""`parley eval clean`: the Scrapinghub article-extraction benchmark, scored with the
benchmark's own `evaluate.py` (shingle F1, precision, recall, exact accuracy), Parley beside
trafilatura run on the same pages in the same run, and beside the benchmark's published
outputs of other extractors."""

from __future__ import annotations

import gzip
import importlib.util
import json
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from parley.clean import clean_document
from parley.evaluation.metrics import Figure, default_data
from parley.model import Document, content_hash

AEB = "extraction/scrapinghub-aeb"


def load_benchmark_scorer(root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("aeb_evaluate", root / "evaluate.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no evaluate.py in {root}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_pages(root: Path) -> dict[str, str]:
    pages = {}
    for path in sorted((root / "html").glob("*.html.gz")):
        with gzip.open(path, "rt", encoding="utf8", errors="replace") as fh:
            pages[path.name.split(".")[0]] = fh.read()
    return pages


def parley_extract(html: str, url: str | None = None) -> str:
    doc = Document(doc_id=content_hash(html), origin="aeb", raw=html, fmt="html", url=url)
    clean_document(doc)
    # the benchmark's article body includes the headline-free text; titles are metadata
    return doc.text


def trafilatura_extract(html: str, url: str | None = None) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def score(scorer: ModuleType, truth: dict[str, Any], predictions: dict[str, Any]) -> dict[str, float]:
    metrics = scorer.evaluate(truth, predictions, n_bootstrap=50)
    return {k: float(metrics[k]) for k in ("f1", "precision", "recall", "accuracy")}


def run(data: Path | None = None, dataset: str = "all") -> list[Figure]:
    root = data or default_data(AEB)
    if not (root / "ground-truth.json").exists():
        raise FileNotFoundError(f"evaluation data not found: {root}/ground-truth.json")
    scorer = load_benchmark_scorer(default_data(AEB) if not (root / "evaluate.py").exists() else root)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = read_pages(root)
    truth = {k: v for k, v in truth.items() if k in pages}
    figures: list[Figure] = []
    for name, extract in (("trafilatura", trafilatura_extract), ("parley", parley_extract)):
        start = time.perf_counter()
        output = {k: {"articleBody": extract(pages[k], truth[k].get("url"))} for k in truth}
        ms_per_doc = 1000 * (time.perf_counter() - start) / max(1, len(truth))
        metrics = score(scorer, truth, output)
        figures += [Figure(f"{name}_{key}", value) for key, value in metrics.items()]
        figures.append(Figure(f"{name}_ms_per_doc", ms_per_doc))
    published = root / "output"
    for path in sorted(published.glob("*.json")) if published.exists() else []:
        prediction, _version = scorer.load_prediction(path)
        if prediction.keys() >= truth.keys():
            metrics = score(scorer, truth, {k: prediction[k] for k in truth})
            figures.append(Figure(f"published_{path.stem}_f1", metrics["f1"]))
    return figures
