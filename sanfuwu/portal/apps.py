from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The staff web pages. Owns no models: it calls the domain apps' selectors and services."""

    name = "sanfuwu.portal"
    verbose_name = "portal"
