from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sanfuwu.people.models import Person
from sanfuwu.tokens.models import ApiToken


def tokens_of(person: Person) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(person=person)


def token_get_for(person: Person, pk: int) -> ApiToken:
    """One of the person's own tokens; anyone else's is missing, alike."""
    try:
        return tokens_of(person).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404("没有找到该令牌") from None
