from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "三服务平台 · 系统配置"
admin.site.site_title = "三服务平台"
admin.site.index_title = "系统配置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("sanfuwu.portal.urls")),
]
