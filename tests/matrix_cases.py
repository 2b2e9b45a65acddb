"""The world, the personas and the objects of the permission matrix (tests/test_permission_matrix.py).

One district, built once for the whole matrix: the conftest's 下沙 / 白杨 / 医药港 with 建设局, a second
department (城市管理局) for "another department", and for every kind of object the matrix opens one
that belongs to the persona's unit ("own": in 下沙, handed to 建设局, of the 下沙 firm, the persona's
own record) and one that belongs to another ("other": in 白杨, handed to 城市管理局, of the 白杨 firm,
someone else's record).

Every persona but the anonymous one and the API tokens is signed in once (a session in the database);
each request of the matrix sends that session's cookie and nothing else, so that nothing one cell does
to its cookies (a logout, a language) reaches the next."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sanfuwu.audit.models import AuditEntry
from sanfuwu.coordination.models import Coordination, CoordinationIssue, CoordinationTask
from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.models import ImportRun, RunState, StoredFile
from sanfuwu.imports.workbook import template_workbook
from sanfuwu.issues.attachments import attachment_add
from sanfuwu.issues.models import ChecklistTemplateItem, Issue, ResponseTemplate, Status, Tier
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import issue_act
from sanfuwu.notify.models import Attempt, Delivery, Notice, Receiver
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.people.models import Person, Role, StandIn
from sanfuwu.raisers.services import company_raise, public_raise
from sanfuwu.scoring.models import Indicator, ManualValue, ReviewCriterion, ReviewMeeting, UnitTarget
from sanfuwu.targets.accounts import account_create, invite_create
from sanfuwu.targets.models import EnterpriseAccount, Target
from sanfuwu.tokens.models import TokenScope
from sanfuwu.tokens.services import token_create
from sanfuwu.visits.models import (
    Campaign,
    CampaignGroup,
    CampaignTarget,
    Pairing,
    Policy,
    Visit,
    VisitPhoto,
    VisitTarget,
)
from sanfuwu.workdays.models import CalendarDay, CalendarYear
from tests.conftest import World, build_world, make_person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
COMPANY_PASSWORD = "Xingchen#2026"

# Who asks. The order is the order of the table's columns and of every failure message.
ROLE_PERSONAS = ("admin", "leader", "dispatcher", "handler", "head", "visitor", "supervisor", "evaluator")
TOKEN_PERSONAS = ("token_read", "token_write", "token_admin")
PERSONAS = ("anon", *ROLE_PERSONAS, "superuser", "staff", "company", *TOKEN_PERSONAS)
# Signed in as a member of staff (a session of a Person who is no enterprise account).
SIGNED = (*ROLE_PERSONAS, "superuser", "staff")
# No session at all: a stranger, or another system calling with a token (a token opens the API and
# Open311 only; to every page it is a stranger).
NO_SESSION = ("anon", *TOKEN_PERSONAS)

PERSONA_ABOUT = {
    "anon": "nobody signed in",
    "admin": "系统管理员 of 下沙街道 (the admin role makes a superuser)",
    "leader": "领导 of 下沙街道",
    "dispatcher": "调度员 of 下沙街道",
    "handler": "承办人 of 建设局",
    "head": "部门负责人 of 建设局",
    "visitor": "走访干部 of 头格第1网格 (下沙)",
    "supervisor": "督查员 of 下沙街道",
    "evaluator": "评分员 of 下沙街道",
    "superuser": "a superuser with no role and no unit (createsuperuser)",
    "staff": "调度员 of 下沙街道 with is_staff and every model permission (a street's 系统配置 clerk)",
    "company": "the enterprise account of 下沙星辰制药 (服务企业)",
    "token_read": "API token, scope read, of the 下沙 dispatcher",
    "token_write": "API token, scope write, of the 下沙 dispatcher",
    "token_admin": "API token, scope admin, of the 下沙 admin",
}


@dataclass
class MatrixWorld:
    world: World
    other_department: Department
    category: Category
    people: dict[str, Person]  # persona → the Person behind it (token personas: the token's owner)
    sessions: dict[str, str]  # persona → session key, for every persona that signs in
    tokens: dict[str, str]  # token persona → the raw token
    objects: dict[str, dict[str, Any]]  # kind → {"own": …, "other": …} or {"any": …}
    own_of: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → persona → own object
    _client: Client = field(default_factory=Client)

    def objects_for(self, kind: str, persona: str) -> dict[str, Any]:
        """The objects of `kind` a persona is asked about: its own one where ownership is personal
        (an import run, a notice, a token), else the unit's."""
        found = dict(self.objects[kind])
        if kind in self.own_of:
            found["own"] = self.own_of[kind].get(persona, found["own"])
        return found

    def client(self, persona: str) -> Client:
        """The one client, holding this persona's session (or nothing) and no other cookie. One for
        all: a new Client loads the middleware again, and WhiteNoise then walks every static file."""
        client = self._client
        client.cookies = SimpleCookie()
        if persona in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def headers(self, persona: str) -> dict[str, str]:
        """What the persona sends with every request: its token, if it is one."""
        return {"Authorization": f"Bearer {self.tokens[persona]}"} if persona in self.tokens else {}


def _session_of(person: Person) -> str:
    client = Client()
    client.force_login(person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _stored(name: str, data: bytes) -> StoredFile:
    return StoredFile.objects.create(name=name, data=data)


def _template_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    found = KINDS[kind]
    template_workbook(found.columns, str(found.title)).save(buffer)
    return buffer.getvalue()


def _act(issue: Issue, action: str, actor: Person, **payload: Any) -> Issue:
    issue = Issue.objects.get(pk=issue.pk)
    return issue_act(issue=issue, action=action, actor=actor, version=issue.version, **payload)


def build_matrix() -> MatrixWorld:
    w = build_world()
    today = timezone.localdate()
    chengguan = Department.objects.create(code="chengguan", name="城市管理局", region=w.district)
    category = Category.objects.create(code="road", name="道路交通", default_department=w.jianshe)
    ChecklistTemplateItem.objects.bulk_create(
        [
            ChecklistTemplateItem(category=category, label=label, sort_order=i)
            for i, label in enumerate(["走访", "回访"])
        ]
    )

    # The personas.
    p: dict[str, Person] = {
        "admin": make_person("m_admin", [Role.ADMIN], region=w.xiasha),
        "leader": make_person("m_leader", [Role.LEADER], region=w.xiasha),
        "dispatcher": make_person("m_dispatcher", [Role.DISPATCHER], region=w.xiasha),
        "handler": make_person("m_handler", [Role.HANDLER], department=w.jianshe),
        "head": make_person("m_head", [Role.HEAD], department=w.jianshe),
        "visitor": make_person("m_visitor", [Role.VISITOR], region=w.touge_grid),
        "supervisor": make_person("m_supervisor", [Role.SUPERVISOR], region=w.xiasha),
        "evaluator": make_person("m_evaluator", [Role.EVALUATOR], region=w.xiasha),
    }
    p["superuser"] = Person.objects.create_superuser(username="m_root", password="Root#2026x", name="m_root")
    staff = make_person("m_staff", [Role.DISPATCHER], region=w.xiasha, staff=True)
    staff.user_permissions.set(Permission.objects.all())
    p["staff"] = Person.objects.get(pk=staff.pk)
    firm_account = account_create(target=w.xiasha_firm, username="m_company", name="星辰刘经理",
                                  phone="13900002222", password=COMPANY_PASSWORD, actor=p["dispatcher"])  # fmt: skip
    p["company"] = firm_account.person
    p["token_read"] = p["token_write"] = p["dispatcher"]
    p["token_admin"] = p["admin"]

    # People who build the world but are no persona: the district's operators, and the other units' staff.
    op_dispatcher = make_person("o_dispatcher", [Role.DISPATCHER], region=w.district)
    op_leader = make_person("o_leader", [Role.LEADER], region=w.district)
    op_cg = make_person("o_chengguan", [Role.HANDLER], department=chengguan)
    op_cg2 = make_person("o_chengguan2", [Role.HANDLER], department=chengguan)
    op_by_visitor = make_person("o_by_visitor", [Role.VISITOR], region=w.baiyang_grid)
    op_by = make_person("o_by_dispatcher", [Role.DISPATCHER], region=w.baiyang)
    handler2 = make_person("o_handler2", [Role.HANDLER], department=w.jianshe)
    other_evaluator = make_person("o_evaluator", [Role.EVALUATOR], region=w.district)
    by_account: EnterpriseAccount = account_create(
        target=w.baiyang_firm, username="o_company", name="云帆王经理", phone="13900003333",
        password=COMPANY_PASSWORD, actor=op_by,
    )  # fmt: skip

    # Issues: in hand with the lead department and supervised (I), and resolved waiting for after-care (R).
    def issue(region: Region, target: Target, registrar: Person, lead: Department, accept_by: Person,
              *, resolve: bool = False) -> Issue:  # fmt: skip
        found = issue_register(
            actor=registrar, title=f"{region.name}道路破损", description="路面塌陷约两平方米，车辆绕行。",
            source="visit", category=category, region=region, target=target, raiser_name="王伟",
            raiser_phone="13812345678",
        )  # fmt: skip
        found = _act(found, "dispatch", op_dispatcher, lead_department=lead, co_departments=[],
                     tier=Tier.DEADLINE, workdays=5)  # fmt: skip
        found = _act(found, "accept", accept_by)
        if not resolve:
            return _act(found, "supervise", op_leader, level="key", note="群众反映强烈")
        for item in found.checklist.all():
            found = _act(found, "check_item", accept_by, item_id=item.pk)
        return _act(found, "resolve", accept_by, resolution="已修复破损路面并恢复通行。")

    own_issue = issue(w.touge_grid, w.xiasha_firm, p["visitor"], w.jianshe, p["handler"])
    other_issue = issue(w.baiyang_grid, w.baiyang_firm, op_by_visitor, chengguan, op_cg)
    own_resolved = issue(w.touge_grid, w.xiasha_firm, p["visitor"], w.jianshe, p["handler"], resolve=True)
    other_resolved = issue(w.baiyang_grid, w.baiyang_firm, op_by_visitor, chengguan, op_cg, resolve=True)
    assert own_issue.status == Status.IN_PROGRESS and own_resolved.status == Status.RESOLVED

    attachments = {
        "own": attachment_add(
            issue=own_issue, actor=p["handler"], upload=SimpleUploadedFile("现场.png", PNG)
        ),
        "other": attachment_add(issue=other_issue, actor=op_cg, upload=SimpleUploadedFile("现场.png", PNG)),
    }
    company_issues = {
        "own": company_raise(
            account=firm_account, description="厂区门口道路破损，货车进出困难。", category=category
        ),
        "other": company_raise(
            account=by_account, description="园区路灯不亮，夜间进出不安全。", category=category
        ),
    }
    raised = public_raise(description="小区门口路灯坏了一个月没人修。", category=category, region=w.touge)

    # Visits, with a photo and a research report each.
    def visit(number: str, region: Region, target: Target, recorder: Person, department: Department) -> Visit:
        found = Visit.objects.create(number=number, visited_at=timezone.now(), region=region,
                                     notes=f"走访{target.name}。", recorded_by=recorder)  # fmt: skip
        found.departments.add(department)
        found.visitors.add(recorder)
        VisitTarget.objects.create(visit=found, target=target, visited_on=today)
        found.report.save("调研报告.docx", ContentFile(b"PK\x03\x04 report"), save=True)
        VisitPhoto.objects.create(visit=found, file=ContentFile(PNG, name="照片.png"), name="照片.png",
                                  content_type="image/png", size=len(PNG))  # fmt: skip
        return found

    visits = {
        "own": visit("ZF-M-1", w.touge_grid, w.xiasha_firm, op_dispatcher, w.jianshe),
        "other": visit("ZF-M-2", w.baiyang_grid, w.baiyang_firm, op_by_visitor, chengguan),
    }

    def campaign(
        name: str, region: Region, lead: Department, target: Target, members: list[Person]
    ) -> Campaign:
        found = Campaign.objects.create(name=name, starts_on=today - timedelta(days=5),
                                        ends_on=today + timedelta(days=25), region=region)  # fmt: skip
        group = CampaignGroup.objects.create(campaign=found, name="第一组", lead_department=lead)
        group.members.set(members)
        CampaignTarget.objects.create(campaign=found, group=group, target=target)
        return found

    campaigns = {
        "own": campaign("下沙集中走访", w.xiasha, w.jianshe, w.xiasha_firm, [p["visitor"]]),
        "other": campaign("白杨集中走访", w.baiyang, chengguan, w.baiyang_firm, [op_by_visitor]),
    }
    pairings = {
        "own": Pairing.objects.create(target=w.xiasha_firm, person=p["visitor"], starts_on=today - timedelta(days=60)),
        "other": Pairing.objects.create(target=w.baiyang_firm, person=op_by_visitor, starts_on=today - timedelta(days=60)),
    }  # fmt: skip

    # Review meetings: running with the persona as evaluator, running without, and closed.
    def meeting(name: str, evaluators: list[Person], closed: bool = False) -> ReviewMeeting:
        found = ReviewMeeting.objects.create(name=name, held_on=today,
                                             closed_at=timezone.now() if closed else None)  # fmt: skip
        found.evaluators.set(evaluators)
        ReviewCriterion.objects.create(meeting=found, name="工作成效", max_score=10)
        return found

    meetings = {
        "own": meeting("季度测评（本人评分）", [p["evaluator"]]),
        "other": meeting("季度测评（他人评分）", [other_evaluator]),
    }
    closed_meeting = meeting("上季度测评（已结束）", [p["evaluator"], other_evaluator], closed=True)
    drillable = Indicator.objects.create(league="territory", name="按时响应率", source="response", weight=100)
    manual = Indicator.objects.create(
        league="territory", name="规上工业增加值", source="manual", weight=0, unit="亿元"
    )
    unit_targets = {
        "own": UnitTarget.objects.create(indicator=manual, region=w.xiasha, year=today.year, target=10),
        "other": UnitTarget.objects.create(indicator=manual, region=w.baiyang, year=today.year, target=10),
    }
    month = today.replace(day=1)
    manual_values = {
        "own": ManualValue.objects.create(indicator=manual, region=w.xiasha, month=month, value=3),
        "other": ManualValue.objects.create(indicator=manual, region=w.baiyang, month=month, value=3),
    }

    def coordination(title: str, linked: Issue, department: Department) -> Coordination:
        found = Coordination.objects.create(
            title=title, category=category, topic="路面破损", raised_by=op_leader
        )
        CoordinationIssue.objects.create(coordination=found, issue=linked, added_by=op_leader)
        CoordinationTask.objects.create(coordination=found, department=department, text="制定修复计划",
                                        workdays=5, due_date=today + timedelta(days=7))  # fmt: skip
        return found

    coordinations = {
        "own": coordination("下沙道路破损专题协调", own_issue, w.jianshe),
        "other": coordination("白杨道路破损专题协调", other_issue, chengguan),
    }
    stand_ins = {
        "own": StandIn.objects.create(absent=p["handler"], stand_in=handler2, starts_on=today,
                                      ends_on=today + timedelta(days=3), set_by=p["handler"]),
        "other": StandIn.objects.create(absent=op_cg, stand_in=op_cg2, starts_on=today,
                                        ends_on=today + timedelta(days=3), set_by=op_cg),
    }  # fmt: skip

    def receiver(name: str, region: Region) -> Receiver:
        return Receiver.objects.create(name=name, kind="json", url="https://robots.example.com/hook",
                                       secret="s3cret", region=region)  # fmt: skip

    receivers = {"own": receiver("下沙工作群", w.xiasha), "other": receiver("白杨工作群", w.baiyang)}
    deliveries = {
        key: Delivery.objects.create(receiver=r, kind="dispatched", text=f"{r.name}：新交办问题")
        for key, r in receivers.items()
    }
    attempts = {
        key: Attempt.objects.create(receiver=r, ok=False, status=500, answer="busy")
        for key, r in receivers.items()
    }
    invite = invite_create(target=w.xiasha_firm, actor=p["dispatcher"])

    # Records that belong to one person: import runs, notices, tokens.
    signed_in = list(SIGNED)
    template = _template_bytes("targets")

    def run(person: Person) -> ImportRun:
        return ImportRun.objects.create(
            kind="targets", filename="联系对象.xlsx", size=len(template), dry_run=True, created_by=person,
            state=RunState.CHECKED, finished_at=timezone.now(), upload=_stored("联系对象.xlsx", template),
            report=_stored("联系对象-检查结果.xlsx", template),
        )  # fmt: skip

    runs = {name: run(p[name]) for name in signed_in}
    notices = {
        name: Notice.objects.create(recipient=p[name], kind="dispatched", text="新交办问题", link="/issues/")
        for name in signed_in
    }
    own_tokens = {
        name: token_create(person=p[name], name="矩阵", scope=TokenScope.READ, days=30).token
        for name in signed_in
    }
    other_run, other_notice = (
        run(op_by),
        Notice.objects.create(recipient=op_by, kind="dispatched", text="x", link="/"),
    )
    other_token = token_create(person=op_by, name="白杨对接", scope=TokenScope.READ, days=30).token

    group = Group.objects.create(name="街道配置员")
    response_template = ResponseTemplate.objects.create(
        category=category, status="resolved", text="您反映的问题已办结。"
    )
    audit_entry = AuditEntry.objects.create(action="update", actor_name="矩阵", model="targets.target",
                                            object_id=str(w.xiasha_firm.pk), object_repr=w.xiasha_firm.name)  # fmt: skip

    objects: dict[str, dict[str, Any]] = {
        "issue": {"own": own_issue, "other": other_issue},
        "resolved": {"own": own_resolved, "other": other_resolved},
        "attachment": attachments,
        "company_issue": company_issues,
        "code": {"own": raised.code, "other": "ZZZZ-ZZZZ-ZZZZ"},
        "invite": {"own": invite.raw, "other": "no-such-invitation-key"},
        "target": {"own": w.xiasha_firm, "other": w.baiyang_firm},
        "visit": visits,
        "visit_on_site": visits,
        "photo": {key: v.photos.get() for key, v in visits.items()},
        "campaign": campaigns,
        "campaign_target": {key: c.assignments.get() for key, c in campaigns.items()},
        "pairing": pairings,
        "meeting": meetings,
        "closed_meeting": {"own": closed_meeting, "other": meetings["other"]},
        "drill": {"own": (drillable, w.xiasha), "other": (drillable, w.baiyang)},
        "unit_target": unit_targets,
        "manual_value": manual_values,
        "coordination": coordinations,
        "stand_in": stand_ins,
        "receiver": receivers,
        "delivery": deliveries,
        "attempt": attempts,
        "import_run": {"own": runs["dispatcher"], "other": other_run},
        "notice": {"own": notices["dispatcher"], "other": other_notice},
        "token": {"own": own_tokens["dispatcher"], "other": other_token},
        "region": {"own": w.touge, "other": w.baiyang},
        "person": {"own": p["visitor"], "other": op_by},
        # Configuration of the whole district: nobody's unit owns it.
        "department": {"any": w.jianshe},
        "category": {"any": category},
        "group": {"any": group},
        "policy": {"any": Policy.objects.create(title="企业研发费用加计扣除", issuer="区科技局", issued_on=today)},
        "calendar_day": {"any": CalendarDay.objects.create(date=today.replace(month=10, day=1), kind="holiday", note="国庆节")},
        "calendar_year": {"any": CalendarYear.objects.get_or_create(year=2099, defaults={"note": "测试"})[0]},
        "checklist_item": {"any": ChecklistTemplateItem.objects.filter(category=category).first()},
        "response_template": {"any": response_template},
        "indicator": {"any": drillable},
        "review_meeting": {"any": meetings["own"]},
        "audit_entry": {"any": audit_entry},
    }  # fmt: skip
    own_of: dict[str, dict[str, Any]] = {
        "import_run": {**runs, **{t: runs[p_name] for t, p_name in _token_owner().items()}},
        "notice": {**notices, **{t: notices[p_name] for t, p_name in _token_owner().items()}},
        "token": {**own_tokens, **{t: own_tokens[p_name] for t, p_name in _token_owner().items()}},
    }
    tokens = {
        "token_read": token_create(
            person=p["dispatcher"], name="只读对接", scope=TokenScope.READ, days=30
        ).raw,
        "token_write": token_create(
            person=p["dispatcher"], name="读写对接", scope=TokenScope.WRITE, days=30
        ).raw,
        "token_admin": token_create(person=p["admin"], name="管理对接", scope=TokenScope.ADMIN, days=30).raw,
    }
    sessions = {name: _session_of(p[name]) for name in (*SIGNED, "company")}
    return MatrixWorld(world=w, other_department=chengguan, category=category, people=p, sessions=sessions,
                       tokens=tokens, objects=objects, own_of=own_of)  # fmt: skip


def _token_owner() -> dict[str, str]:
    return {"token_read": "dispatcher", "token_write": "dispatcher", "token_admin": "admin"}


# How each kind of object goes into an address: the arguments of its URL pattern, and a query.
ARGS: dict[str, Callable[[Any], list[Any]]] = {
    "attachment": lambda a: [a.issue_id, a.pk],
    "photo": lambda ph: [ph.visit_id, ph.pk],
    "code": lambda code: [code],
    "invite": lambda key: [key],
    "drill": lambda pair: [],
    "visit_on_site": lambda v: [ContentType.objects.get_for_model(v).pk, v.pk],
}


def url_args(kind: str | None, obj: Any) -> list[Any]:
    if kind is None:
        return []
    if kind in ARGS:
        return ARGS[kind](obj)
    return [obj.pk]


def url_query(kind: str | None, obj: Any) -> str:
    if kind == "drill":
        indicator, region = obj
        return f"indicator={indicator.pk}&unit={region.pk}"
    return ""
