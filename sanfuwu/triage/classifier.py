"""Which category a short text belongs to: character n-grams weighted by TF-IDF, scored by a
sparse linear model trained as a multiclass passive-aggressive learner (Crammer & Singer), with
its weights averaged over every step so that the last few examples seen do not decide it.

Pure Python on purpose: a suggestion is a few hundred dictionary reads (well under a millisecond),
training on the shipped corpus takes seconds, the model is a small JSON document, and nothing has
to be downloaded or compiled. The same inputs and seed always give the same model, byte for byte.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sanfuwu.triage.text import ngrams

# A gram seen in fewer documents than this is noise to the model (a place name, a typo).
MIN_DF = 2
EPOCHS = 8
# Averaged weights smaller than this change no ranking worth showing (measured on the labelled
# set: 0.001 and 0.03 rank alike); dropping them keeps the shipped model a third smaller.
PRUNE = 0.03


@dataclass
class Model:
    labels: list[str]
    idf: dict[str, float]
    weights: dict[str, dict[int, float]]
    bias: list[float]
    # Scores become confidences through a softmax at this sharpness, fitted on held-out examples.
    sharpness: float = 1.0
    meta: dict[str, object] = field(default_factory=dict)

    def vector(self, text: str) -> dict[str, float]:
        """The text as TF-IDF weights over the model's grams, sublinear in counts, unit length."""
        counts = Counter(g for g in ngrams(text) if g in self.idf)
        vec = {g: (1.0 + math.log(n)) * self.idf[g] for g, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {g: v / norm for g, v in vec.items()}

    def scores(self, vec: dict[str, float]) -> list[float]:
        out = list(self.bias)
        weights = self.weights
        for g, v in vec.items():
            row = weights.get(g)
            if row:
                for c, w in row.items():
                    out[c] += v * w
        return out

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """Every label with its confidence (summing to 1), the likeliest first."""
        probs = softmax(self.scores(self.vector(text)), self.sharpness)
        order = sorted(range(len(self.labels)), key=lambda c: (-probs[c], self.labels[c]))
        return [(self.labels[c], probs[c]) for c in order]

    def reasons(self, text: str, label: str, limit: int = 3) -> list[str]:
        """The grams that pushed the text towards `label` most, longest first among overlapping
        ones: "困人" rather than "困" and "人"."""
        c = self.labels.index(label)
        vec = self.vector(text)
        pulls = []
        for g, v in vec.items():
            row = self.weights.get(g)
            if not row or c not in row:
                continue
            others = sum(w for k, w in row.items() if k != c) / max(len(self.labels) - 1, 1)
            pull = v * (row[c] - others)
            if pull > 0:
                pulls.append((pull * (1 + 0.5 * (len(g) - 1)), g))
        chosen: list[str] = []
        for _pull, g in sorted(pulls, reverse=True):
            if any(g in kept or kept in g for kept in chosen):
                continue
            chosen.append(g)
            if len(chosen) == limit:
                break
        return chosen

    def dumps(self) -> str:
        doc = {
            "labels": self.labels,
            "sharpness": round(self.sharpness, 4),
            "bias": [round(b, 4) for b in self.bias],
            "meta": self.meta,
            "grams": {
                g: [
                    round(self.idf[g], 3),
                    {str(c): round(w, 3) for c, w in sorted(self.weights.get(g, {}).items())},
                ]
                for g in sorted(self.idf)
            },
        }
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def loads(cls, raw: str) -> Model:
        doc = json.loads(raw)
        idf = {g: float(v[0]) for g, v in doc["grams"].items()}
        weights = {g: {int(c): float(w) for c, w in v[1].items()} for g, v in doc["grams"].items() if v[1]}
        return cls(
            labels=list(doc["labels"]), idf=idf, weights=weights, bias=[float(b) for b in doc["bias"]],
            sharpness=float(doc["sharpness"]), meta=dict(doc.get("meta") or {}),
        )  # fmt: skip


def softmax(scores: Sequence[float], sharpness: float) -> list[float]:
    top = max(scores)
    exps = [math.exp(sharpness * (s - top)) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def train(examples: Sequence[tuple[str, str]], *, seed: int = 2025, epochs: int = EPOCHS) -> Model:
    """A model from (label, text) pairs. Its confidence is calibrated on a fifth of the examples
    held out from a first fit; the model kept is then fitted on all of them."""
    examples = sorted(set(examples))
    held = [e for i, e in enumerate(examples) if i % 5 == 2]
    kept = [e for i, e in enumerate(examples) if i % 5 != 2]
    probe = _fit(kept, seed=seed, epochs=epochs)
    model = _fit(examples, seed=seed, epochs=epochs)
    model.sharpness = _calibrate(probe, held)
    # The model as it will be stored (weights rounded), so that a stored one answers the same.
    return Model.loads(model.dumps())


def _fit(examples: Sequence[tuple[str, str]], *, seed: int, epochs: int) -> Model:
    labels = sorted({label for label, _text in examples})
    index = {label: i for i, label in enumerate(labels)}
    df: Counter[str] = Counter()
    for _label, text in examples:
        df.update(set(ngrams(text)))
    n_docs = len(examples)
    idf = {g: math.log((1 + n_docs) / (1 + n)) + 1.0 for g, n in df.items() if n >= MIN_DF}
    model = Model(labels=labels, idf=idf, weights={}, bias=[0.0] * len(labels))
    data = [(index[label], model.vector(text)) for label, text in examples]

    # Averaged weights by the usual trick: keep w and u = sum of step * update; average = w - u/steps.
    w: dict[str, dict[int, float]] = {}
    u: dict[str, dict[int, float]] = {}
    step = 1
    rng = random.Random(seed)
    order = list(range(len(data)))
    for _epoch in range(epochs):
        rng.shuffle(order)
        for i in order:
            truth, vec = data[i]
            scores = [0.0] * len(labels)
            for g, v in vec.items():
                row = w.get(g)
                if row:
                    for c, x in row.items():
                        scores[c] += v * x
            rival = max((c for c in range(len(labels)) if c != truth), key=lambda c: scores[c])
            loss = 1.0 - (scores[truth] - scores[rival])
            if loss > 0:
                # PA-I: the smallest change that makes the margin 1, capped for noisy labels.
                tau = min(0.5, loss / 2.0)
                for g, v in vec.items():
                    row = w.setdefault(g, {})
                    acc = u.setdefault(g, {})
                    row[truth] = row.get(truth, 0.0) + tau * v
                    row[rival] = row.get(rival, 0.0) - tau * v
                    acc[truth] = acc.get(truth, 0.0) + step * tau * v
                    acc[rival] = acc.get(rival, 0.0) - step * tau * v
            step += 1
    averaged: dict[str, dict[int, float]] = {}
    for g, row in w.items():
        acc = u[g]
        kept = {c: x - acc[c] / step for c, x in row.items()}
        kept = {c: x for c, x in kept.items() if abs(x) >= PRUNE}
        if kept:
            averaged[g] = kept
    model.weights = averaged
    return model


def _calibrate(model: Model, held: Sequence[tuple[str, str]]) -> float:
    """The softmax sharpness that makes the held-out examples' confidences most honest (least
    log-loss), from a fixed ladder so the result is reproducible."""
    if not held:
        return 10.0
    rows = []
    for label, text in held:
        scores = model.scores(model.vector(text))
        rows.append((model.labels.index(label) if label in model.labels else None, scores))
    best, best_loss = 10.0, math.inf
    for sharpness in (1, 2, 3, 5, 7, 10, 14, 20, 28, 40, 56, 80):
        loss = 0.0
        for truth, scores in rows:
            p = softmax(scores, sharpness)[truth] if truth is not None else 1e-6
            loss -= math.log(max(p, 1e-9))
        if loss < best_loss:
            best, best_loss = float(sharpness), loss
    return best
