"""What the API answers with: issues and targets as other systems read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

# Ids and counts the database can hold; text the fields can hold.
Id = Annotated[int, Field(ge=1, le=2**53)]


class Named(Schema):
    id: int
    code: str = ""
    name: str


class IssueOut(Schema):
    id: int
    number: str
    version: int
    title: str
    description: str
    source: str
    status: str
    status_label: str
    tier: str
    category: Named
    region: Named
    lead_department: Named | None
    target_id: int | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    due_date: date | None
    overdue: bool
    supervised: bool
    registered_at: datetime
    dispatched_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str
    feedback: str
    rating: str
    raiser_name: str
    raiser_phone: str
    raiser_masked: bool


class EventOut(Schema):
    seq: int
    action: str
    action_label: str
    actor: str
    at: datetime
    from_status: str
    to_status: str
    note: str


class IssueDetailOut(IssueOut):
    events: list[EventOut]
    actions: list[str]


class IssuePage(Schema):
    items: list[IssueOut]
    next: str | None


class TargetOut(Schema):
    id: int
    kind: str
    name: str
    credit_code: str | None
    industry: str
    address: str
    region: Named
    grid: Named | None
    is_key: bool
    active: bool


class TargetPage(Schema):
    items: list[TargetOut]
    next: str | None


class EvidenceIn(Schema):
    name: str
    content_base64: str


class ActionIn(Schema):
    """The fields of every action; each action reads those of its own form in the product and
    refuses what it lacks at the field, in the same words."""

    version: Annotated[int, Field(ge=1, le=2**31)]
    lead_department: Id | None = None
    co_departments: list[Id] = []
    tier: str | None = None
    workdays: Annotated[int, Field(ge=1, le=60)] | None = None
    note: str | None = None
    reason: str | None = None
    decision_note: str | None = None
    plan: str | None = None
    milestones: str | None = None
    resolution: str | None = None
    evidence: list[EvidenceIn] = []
    feedback: str | None = None
    rating: str | None = None
    level: str | None = None
    text: str | None = None
    item_id: Id | None = None
    milestone_id: Id | None = None
    handler: Id | None = None
    # merge: the number of the issue this one repeats (WT-2025-000123).
    original: Annotated[str, Field(max_length=20)] | None = None


class IssueIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[str, Field(min_length=1, max_length=5000)]
    source: str
    category: Id
    tier: str = "deadline"
    region: Id | None = None
    target: Id | None = None
    address: Annotated[str, Field(max_length=200)] = ""
    latitude: Annotated[Decimal, Field(ge=-90, le=90, max_digits=12)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, max_digits=12)] | None = None
    raiser_name: str = ""
    raiser_phone: str = ""
    resolution: str = ""
