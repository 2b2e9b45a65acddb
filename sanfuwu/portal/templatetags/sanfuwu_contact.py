"""The raiser's contact as the reader may see it: every page draws it through the one masking rule."""

from __future__ import annotations

from typing import Any

from django import template

from sanfuwu.issues.models import Issue
from sanfuwu.issues.selectors import RaiserContact, mask_name, mask_phone, raiser_contact_for
from sanfuwu.people.models import Person

register = template.Library()


@register.simple_tag(takes_context=True)
def raiser_contact(context: template.Context, issue: Issue) -> RaiserContact:
    """{% raiser_contact issue as contact %}: full or masked for the person signed in; the rule is
    built once per page and reused for every issue on it."""
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, Person) or not user.is_authenticated:
        return RaiserContact(mask_name(issue.raiser_name), mask_phone(issue.raiser_phone), False)
    cache = context.render_context
    rule = cache.get("sanfuwu_raiser_rule")
    if rule is None:
        rule = cache["sanfuwu_raiser_rule"] = raiser_contact_for(user)
    return rule(issue)
