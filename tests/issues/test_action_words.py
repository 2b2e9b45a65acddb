"""The issue's action forms mark what must be filled in and speak plain words when it is not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanfuwu.issues.forms import DispatchForm
from sanfuwu.issues.models import Status
from sanfuwu.people.models import Role
from tests.conftest import client_for
from tests.issues.conftest import Cast, issue_in

pytestmark = pytest.mark.django_db


def test_the_issue_actions_mark_their_required_fields_and_offer_no_dashes(cast: Cast) -> None:
    issue = issue_in(Status.REGISTERED, cast)
    html = (
        client_for(cast.people[Role.DISPATCHER])
        .get(reverse("issues:detail", args=[issue.pk]))
        .content.decode()
    )
    assert 'class="form-label required" for="id_lead_department"' in html
    assert "---------" not in html
    form = DispatchForm({"version": issue.version, "workdays": "五"}, issue=issue)
    assert not form.is_valid()
    assert form.errors["workdays"] == ["办理时限（工作日）请填写整数。"]
    assert form.errors["tier"] == ["请选择办理类型。"]
