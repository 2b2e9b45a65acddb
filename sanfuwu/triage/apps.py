from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "sanfuwu.triage"
    verbose_name = _("智能分拨")
