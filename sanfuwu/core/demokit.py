"""The demo district is built app by app: each domain app may have a `demo` module with a
`build(ctx)` function, run in INSTALLED_APPS order. Later apps add visits, issues and scores
the same way, without touching this file."""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from django.apps import apps
from django.db import transaction

from sanfuwu.audit.context import unaudited
from sanfuwu.core.dbstats import database_analyze


@dataclass
class DemoContext:
    seed: int
    today: date
    out: TextIO
    small: bool = False  # a quick district for tests: the same shapes, fewer records
    shared: dict[str, Any] = field(default_factory=dict)

    def rng(self, label: str) -> random.Random:
        """A generator of its own per app, so that adding an app never shifts another's data."""
        return random.Random(f"{self.seed}:{label}")

    def say(self, text: str) -> None:
        self.out.write(text + "\n")


def demo_builders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    builders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("sanfuwu."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        builders.append((config.label, module.build))
    return builders


def demo_build(*, seed: int, today: date, out: TextIO, small: bool = False) -> None:
    ctx = DemoContext(seed=seed, today=today, out=out, small=small)
    for label, build in demo_builders():
        started = time.monotonic()
        with transaction.atomic(), unaudited():
            build(ctx)
        ctx.say(f"  [{label}] {time.monotonic() - started:.1f} 秒")
    database_analyze()  # the demo's pages planned from its real sizes from the first request
