"""Chinese texts for the demo's issues, kept as data in demo_texts.yaml: per category what people
report and what the department did, plus what departments, dispatchers and leaders write along the way."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def load() -> dict[str, Any]:
    """The file as parsed, read once per process: the names below and any later caller share it."""
    return yaml.safe_load(files("sanfuwu.issues").joinpath("demo_texts.yaml").read_text(encoding="utf-8"))


_texts = load()
_categories: dict[str, Any] = _texts["categories"]

ISSUE_TEXTS: dict[str, list[tuple[str, str]]] = {
    code: [(text["title"], text["description"]) for text in category["issues"]]
    for code, category in _categories.items()
}
RESOLUTIONS: dict[str, list[str]] = {code: category["resolutions"] for code, category in _categories.items()}
# Per category: the departments that usually help (协办), and what the lead writes when it returns
# an issue, with the department the reason names, to which the dispatcher hands it next.
CO_DEPARTMENTS: dict[str, list[str]] = {code: h["co"] for code, h in _texts["handling"].items()}
RETURNS: dict[str, list[tuple[str, str]]] = {
    code: [(r["to"], r["reason"]) for r in h["returns"]] for code, h in _texts["handling"].items()
}
EXTENSION_REASONS: list[str] = _texts["extension_reasons"]
LONG_TERM_PLANS: list[str] = _texts["long_term_plans"]
INSTRUCTIONS: list[str] = _texts["instructions"]
SUPERVISION_NOTES: list[str] = _texts["supervision_notes"]
UNSATISFIED_NOTES: list[str] = _texts["unsatisfied_notes"]
RETURN_VISIT_NOTES: list[str] = _texts["return_visit_notes"]


def fill(text: str, values: dict[str, str]) -> str:
    """Put names into the placeholders {企业} {社区} {道路} {数量}; other braces stay as they are."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text
