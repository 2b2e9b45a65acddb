"""Open311's two shapes of the same answer: XML (required by the spec: a root holding repeated
elements) and JSON (the XML without its root: lists as bare arrays, objects as objects)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ElementTree.Element, value: Any, item: str) -> None:
    """`value` under `element`: a dict's keys as children, a list as repeated `item` children (or,
    for a key whose name ends in "s", the singular), anything else as text."""
    if isinstance(value, dict):
        for key, inner in value.items():
            child = ElementTree.SubElement(element, key)
            _fill(child, inner, key[:-1] if key.endswith("s") else key)
    elif isinstance(value, list):
        for inner in value:
            _fill(ElementTree.SubElement(element, item), inner, item)
    else:
        element.text = _text(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def answer(data: Any, fmt: str, *, root: str, item: str = "", status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=_json_default)
    else:
        element = ElementTree.Element(root)
        _fill(element, data, item)
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(element, encoding="unicode")
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


class Open311Error(Exception):
    """A refusal in the spec's words: 400 for bad input, 403 for the api_key, 404 for what is not there."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def error_answer(exc: Open311Error, fmt: str) -> HttpResponse:
    return answer([{"code": exc.status, "description": exc.description}], fmt, root="errors", item="error",
                  status=exc.status)  # fmt: skip
