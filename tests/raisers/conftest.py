"""A resident on a phone (a client with no login) and the public form as they would fill it."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from sanfuwu.raisers.limits import SALT
from tests.issues.conftest import cast

__all__ = ["cast", "check_token", "phone", "raise_data"]


def check_token(a: int = 3, b: int = 4, age: float = 10) -> str:
    """The form's sum as the page would have signed it `age` seconds ago."""
    return signing.dumps({"a": a, "b": b, "t": int(time.time() - age), "n": secrets.token_hex(8)}, salt=SALT)


def raise_data(category_pk: int, **over: Any) -> dict[str, Any]:
    data = {
        "category": category_pk,
        "description": "文渊路与6号大街路口的路灯坏了一个多月，晚上很黑，老人小孩经过不安全。",
        "region": "",
        "address": "下沙街道头格社区文渊路与6号大街路口",
        "enterprise": "",
        "latitude": "",
        "longitude": "",
        "raiser_name": "李女士",
        "raiser_phone": "13900001111",
        "answer": "7",
        "check": check_token(),
        "website": "",
    }
    data.update(over)
    return data


def phone(address: str = "10.0.0.8") -> Client:
    """A phone with its own device mark, on the given network address."""
    client = Client(REMOTE_ADDR=address)
    client.get(reverse("public:raise"))
    return client


@pytest.fixture
def resident() -> Client:
    return phone()
