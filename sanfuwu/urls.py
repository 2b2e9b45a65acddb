from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from sanfuwu.api.api import api
from sanfuwu.core.forms import AdminLoginForm
from sanfuwu.env import env_bool

admin.site.site_header = "三服务平台 · 系统配置"
admin.site.site_title = "三服务平台"
admin.site.index_title = "系统配置"
admin.site.login_form = AdminLoginForm
handler500 = "sanfuwu.portal.refusals.server_error"

urlpatterns = [
    # Pages without our <link rel="icon">, like the admin's, make browsers ask for /favicon.ico.
    path("favicon.ico", RedirectView.as_view(url=static("portal/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("open311/v2/", include(("sanfuwu.open311.urls", "open311"))),
    path("", include("sanfuwu.portal.urls")),
]

if env_bool("SANFUWU_BENCH_FLOOR", False):  # `bench.http` only: the floor its figures are read against
    from sanfuwu.core.floor import floor_insert, floor_read

    urlpatterns += [path("floor/insert/", floor_insert), path("floor/read/", floor_read)]
