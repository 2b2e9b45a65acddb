from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "sanfuwu.targets"
    verbose_name = _("联系对象")
