from django.contrib.admin.apps import AdminConfig


class OfficeAdminConfig(AdminConfig):
    """Django's admin, with a site that puts every registered admin in office Chinese
    (sanfuwu.core.admin_words). In a module of its own: importing the words needs the apps loaded."""

    default_site = "sanfuwu.core.admin_words.OfficeAdminSite"
