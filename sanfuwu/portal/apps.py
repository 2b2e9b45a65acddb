from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The staff web pages. Owns no models: it calls the domain apps' selectors and services."""

    name = "sanfuwu.portal"
    verbose_name = "portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from sanfuwu.portal.confinement import mark_at_sign_in

        # Edge state, not business: which pages the session may open (enterprise accounts).
        user_logged_in.connect(mark_at_sign_in, dispatch_uid="sanfuwu.portal.enterprise_mark")
