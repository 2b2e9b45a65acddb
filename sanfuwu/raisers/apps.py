from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaisersConfig(AppConfig):
    name = "sanfuwu.raisers"
    verbose_name = _("网上诉求")
