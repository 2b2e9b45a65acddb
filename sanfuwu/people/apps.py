from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "sanfuwu.people"
    verbose_name = _("人员")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from sanfuwu.people.middleware import mark_login_time

        user_logged_in.connect(mark_login_time, dispatch_uid="sanfuwu.people.seen")
