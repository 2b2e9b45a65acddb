from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces (the demo framework, the server command, scoped admin); no models."""

    name = "sanfuwu.core"
    verbose_name = "core"
