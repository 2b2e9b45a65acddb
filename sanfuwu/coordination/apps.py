from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "sanfuwu.coordination"
    verbose_name = _("专题协调")
