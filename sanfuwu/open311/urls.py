from django.urls import re_path

from sanfuwu.open311 import views

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery_view, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<number>[\w-]+)" + FMT, views.request_one, name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FMT, views.token_view, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.updates, name="updates"),
]
