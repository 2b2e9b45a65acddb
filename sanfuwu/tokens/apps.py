from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TokensConfig(AppConfig):
    name = "sanfuwu.tokens"
    verbose_name = _("接口令牌")
