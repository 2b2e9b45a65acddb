"""Enterprise accounts see the enterprise pages and nothing else: every other address answers as
missing (404), whatever page, partial, export or admin it is, so that a page added later is closed
to them unless it is put under /company/ on purpose."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from sanfuwu.targets.accounts import account_of

OPEN_TO_ENTERPRISES = (
    "/company/",
    "/logout/",
    "/password/",
    "/i18n/",
    "/public/",
    "/static/",
    "/favicon.ico",
)
# Staff pages that sit under an open prefix all the same.
STAFF_UNDER_OPEN = ("/public/refusals/",)
SESSION_KEY = "sfw_kind"


def is_enterprise(request: HttpRequest) -> bool:
    """Whether the signed-in person is an enterprise account: as marked in the session at sign-in
    (no query, no write on later requests), or asked of the database for a session from before."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    kept = request.session.get(SESSION_KEY)
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == user.pk:
        return bool(kept[1] == "enterprise")
    return account_of(user) is not None


def mark_at_sign_in(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """Kept in the session with the login's own write: later requests neither query nor write for it
    (a write would send the rest of the request's reads to the primary; see sanfuwu.core.routing)."""
    if request is not None and hasattr(request, "session"):
        kind = "enterprise" if account_of(user) is not None else "staff"
        request.session[SESSION_KEY] = [getattr(user, "pk", None), kind]


class EnterpriseConfinement:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_enterprise(request):
            path = request.path_info
            if path == "/":
                return redirect("company:home")
            if not path.startswith(OPEN_TO_ENTERPRISES) or path.startswith(STAFF_UNDER_OPEN):
                raise Http404("企业账号只能访问本企业的页面")
        return self.get_response(request)
