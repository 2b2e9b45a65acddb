from django.contrib.auth import views as auth_views
from django.urls import include, path

from sanfuwu.core.forms import LoginForm
from sanfuwu.portal.views import (
    account,
    aftercare,
    common,
    company,
    exports,
    home,
    imports,
    inbox,
    issues,
    notices,
    people,
    public,
    race,
    suggest,
    targets,
    tokens,
    triage,
    visits,
    worklist,
)

target_patterns = [
    path("", targets.target_list, name="list"),
    path("export.xlsx", exports.target_export, name="export"),
    path("new/", targets.target_new, name="new"),
    path("<int:pk>/", targets.target_detail, name="detail"),
    path("<int:pk>/edit/", targets.target_edit, name="edit"),
    path("<int:pk>/invite/", company.target_invite, name="invite"),
    path("<int:pk>/account/", company.target_account_new, name="account_new"),
]

# 服务企业: an enterprise account's own pages, and the link that opens one.
company_patterns = [
    path("", company.company_home, name="home"),
    path("issues/<int:pk>/", company.company_issue, name="issue"),
    path("issues/<int:pk>/rate/", company.company_issue_rate, name="rate"),
    path("raise/", company.company_raise_view, name="raise"),
    path("join/<str:key>/", company.company_join, name="join"),
]

issue_patterns = [
    path("", issues.issue_list, name="list"),
    path("export.xlsx", exports.issue_export, name="export"),
    path("triage/", triage.triage, name="triage"),
    path("triage/counts/", triage.triage_counts_view, name="triage_counts"),
    path("triage/due/", triage.triage_due, name="triage_due"),
    path("triage/batch/", triage.triage_batch, name="triage_batch"),
    path("triage/<int:pk>/dispatch/", triage.triage_dispatch, name="triage_dispatch"),
    path("triage/<int:pk>/merge/", triage.triage_merge, name="triage_merge"),
    path("work/", worklist.worklist, name="work"),
    path("aftercare/", aftercare.aftercare, name="aftercare"),
    path("aftercare/preview/", aftercare.aftercare_preview, name="aftercare_preview"),
    path("aftercare/answer/", aftercare.aftercare_answer, name="aftercare_answer"),
    path("aftercare/close/", aftercare.aftercare_close, name="aftercare_close"),
    path("aftercare/<int:pk>/rate/", aftercare.aftercare_rate, name="aftercare_rate"),
    path("aftercare/<int:pk>/spot/", aftercare.aftercare_spot, name="aftercare_spot"),
    path("work/<int:pk>/assign/", worklist.worklist_assign, name="work_assign"),
    path("work/stand-ins/", worklist.worklist_stand_in, name="work_stand_in"),
    path("work/stand-ins/<int:pk>/cancel/", worklist.worklist_stand_in_cancel, name="work_stand_in_cancel"),
    path("mine/", issues.my_issues, name="mine"),
    path("new/", issues.issue_new, name="new"),
    path("<int:pk>/", issues.issue_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", issues.issue_act_view, name="act"),
    path("<int:pk>/attach/", issues.issue_attach, name="attach"),
    path("<int:pk>/files/<int:attachment_id>/", issues.issue_attachment, name="attachment"),
    path("<int:pk>/notice.docx", notices.supervision_notice, name="notice"),
]

visit_patterns = [
    path("", visits.visit_list, name="list"),
    path("export.xlsx", exports.visit_export, name="export"),
    path("pairings/export.xlsx", exports.pairing_export, name="pairings_export"),
    path("new/", visits.visit_new, name="new"),
    path("new/targets/", visits.visit_target_search, name="target_search"),
    path("coverage/", visits.coverage_page, name="coverage"),
    path("coverage/export.xlsx", exports.coverage_export, name="coverage_export"),
    path("pairings/", visits.pairing_list, name="pairings"),
    path("pairings/assign-grid/", visits.pairing_assign_grid, name="assign_grid"),
    path("campaigns/", visits.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", visits.campaign_detail, name="campaign"),
    path("<int:pk>/", visits.visit_detail, name="detail"),
    path("<int:pk>/photos/<int:photo_id>/", visits.visit_photo, name="photo"),
    path("<int:pk>/report/", visits.visit_report, name="report"),
]

race_patterns = [
    path("", race.ranking, name="ranking"),
    path("export.xlsx", exports.ranking_export, name="export"),
    path("bulletin.docx", race.bulletin, name="bulletin"),
    path("dashboard/", race.dashboard, name="dashboard"),
    path("drill/", race.drill_down, name="drill"),
    path("reviews/", race.reviews, name="reviews"),
    path("reviews/<int:pk>/", race.review, name="review"),
    path("reviews/<int:pk>/close/", race.review_close, name="review_close"),
    path("reviews/<int:pk>/export.xlsx", exports.review_export, name="review_export"),
    path("manual-values/export.xlsx", exports.manual_value_export, name="manual_values_export"),
]

import_patterns = [
    path("", imports.import_page, name="page"),
    path("<str:kind>/template.xlsx", imports.import_template, name="template"),
    path("runs/<int:pk>/", imports.import_run_page, name="run"),
    path("runs/<int:pk>/progress/", imports.import_run_progress, name="progress"),
    path("runs/<int:pk>/confirm/", imports.import_run_confirm_view, name="confirm"),
    path("runs/<int:pk>/report.xlsx", imports.import_report, name="report"),
]

people_patterns = [
    path("", people.people_list, name="list"),
    path("export.xlsx", exports.people_export, name="export"),
]

# 网上诉求: open to anyone, no login; the code in the address is the raiser's key to their issue.
public_patterns = [
    path("", public.raise_form, name="raise"),
    path("track/", public.track, name="track"),
    path("t/<str:code>/", public.status, name="status"),
    path("t/<str:code>/rate/", public.rate, name="rate"),
    path("refusals/", public.refusals, name="refusals"),
]

token_patterns = [
    path("", tokens.token_list, name="list"),
    path("<int:pk>/revoke/", tokens.token_revoke_view, name="revoke"),
]

# Suggestions while writing an issue down: categories for the words typed, a visit's notes split.
triage_patterns = [
    path("suggest/", suggest.suggest, name="suggest"),
    path("split/", suggest.split, name="split"),
]

# 共性问题 and 专题协调.
common_patterns = [
    path("", common.common_page, name="page"),
    path("raise/", common.common_raise, name="raise"),
    path("coordination/", common.coordination_list, name="coordinations"),
    path("coordination/<int:pk>/", common.coordination_detail, name="coordination"),
    path("coordination/<int:pk>/<str:action>/", common.coordination_act, name="coordination_act"),
]

inbox_patterns = [
    path("", inbox.inbox, name="list"),
    path("<int:pk>/open/", inbox.inbox_open, name="open"),
    path("read/", inbox.inbox_read, name="read"),
    path("bell/", inbox.inbox_bell, name="bell"),
    path("settings/", inbox.inbox_settings, name="settings"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account.password_change, name="password_change"),
    path("targets/", include((target_patterns, "targets"))),
    path("people/", include((people_patterns, "people"))),
    path("issues/", include((issue_patterns, "issues"))),
    path("visits/", include((visit_patterns, "visits"))),
    path("race/", include((race_patterns, "race"))),
    path("imports/", include((import_patterns, "imports"))),
    path("inbox/", include((inbox_patterns, "inbox"))),
    path("triage/", include((triage_patterns, "triage"))),
    path("common/", include((common_patterns, "common"))),
    path("public/", include((public_patterns, "public"))),
    path("company/", include((company_patterns, "company"))),
    path("tokens/", include((token_patterns, "tokens"))),
]
