from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "sanfuwu.orgs"
    verbose_name = _("区域与部门")
