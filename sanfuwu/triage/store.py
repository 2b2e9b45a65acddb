"""The model suggestions come from: the district's newest trained one, else the shipped one.

Each process keeps the model it loaded and asks the database for a newer one at most every
RECHECK seconds, so a nightly retrain reaches every worker without a restart and a suggestion
costs no query."""

from __future__ import annotations

import time
from functools import lru_cache

from sanfuwu.triage.classifier import Model
from sanfuwu.triage.corpus import SHIPPED_MODEL
from sanfuwu.triage.models import TriageModel

RECHECK = 60.0

_loaded: dict[str, object] = {"id": None, "model": None, "checked": 0.0}


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    return Model.loads(SHIPPED_MODEL.read_text(encoding="utf-8"))


def current_model() -> tuple[int | None, Model]:
    """(the stored model's id, or None for the shipped one; the model)."""
    now = time.monotonic()
    if _loaded["model"] is None or now - float(_loaded["checked"]) > RECHECK:  # type: ignore[arg-type]
        newest = TriageModel.objects.order_by("-id").values_list("id", flat=True).first()
        if newest != _loaded["id"] or _loaded["model"] is None:
            if newest is None:
                _loaded["model"] = shipped_model()
            else:
                _loaded["model"] = Model.loads(TriageModel.objects.get(pk=newest).body)
            _loaded["id"] = newest
        _loaded["checked"] = now
    return _loaded["id"], _loaded["model"]  # type: ignore[return-value]


def model_forget() -> None:
    """Ask the database again at the next suggestion (after a training in this process)."""
    _loaded.update(id=None, model=None, checked=0.0)
