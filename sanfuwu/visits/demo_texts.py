"""Words for the demo visits, kept as data in demo_texts.yaml: what a visit note, a policy and a
research report say."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def load() -> dict[str, Any]:
    """The file as parsed, read once per process: the names below and any later caller share it."""
    return yaml.safe_load(files("sanfuwu.visits").joinpath("demo_texts.yaml").read_text(encoding="utf-8"))


_texts = load()

# (title, issuer, (year, month, day), summary), as the demo has always unpacked them
POLICIES: list[tuple[str, str, tuple[int, int, int], str]] = [
    (p["title"], p["issuer"], (p["issued_on"].year, p["issued_on"].month, p["issued_on"].day), p["summary"])
    for p in _texts["policies"]
]
ENTERPRISE_NOTES: list[str] = _texts["enterprise_notes"]
COMMUNITY_NOTES: list[str] = _texts["community_notes"]
MET: list[str] = _texts["met"]
COMMUNITY_MET: list[str] = _texts["community_met"]
REPORT_PARAGRAPHS: list[str] = _texts["report_paragraphs"]
