from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "sanfuwu.issues"
    verbose_name = _("问题诉求")

    def ready(self) -> None:
        # The steps register themselves with the workflow table on import.
        from sanfuwu.issues import steps  # noqa: F401
