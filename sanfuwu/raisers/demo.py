"""Three problems residents raised on the public channel (网上诉求), with tracking codes the demo
prints so that anyone can follow them: one waiting in triage, one being handled, one answered
and waiting for the resident's rating. The codes come from the seed, so a rebuilt demo prints
the same ones."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from sanfuwu.core.demokit import DemoContext
from sanfuwu.issues.models import Issue, Source, Tier
from sanfuwu.issues.workflow import issue_act
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person, Role
from sanfuwu.raisers.codes import ALPHABET, LENGTH, code_hash, code_shown
from sanfuwu.raisers.models import PublicRaise
from sanfuwu.raisers.services import public_channel, public_raise
from sanfuwu.targets.accounts import account_create
from sanfuwu.targets.models import Target, TargetKind

STORIES = [
    (
        "sanitation",
        "头格社区",
        "小区东门外的垃圾桶好几天没有清运，天热味道很大，还招苍蝇。",
        "下沙街道头格社区东门外",
    ),
    (
        "road",
        "中沙社区",
        "中沙社区幼儿园门口人行道的地砖翘起好几块，接送孩子时老人已经绊倒过。",
        "下沙街道中沙社区幼儿园门口",
    ),
    (
        "parking",
        "东沙湖社区",
        "东沙湖社区菜场门口每天早上乱停车，把消防通道都堵住了，希望管一管。",
        "河庄街道东沙湖社区菜场",
    ),
]


def _code(ctx: DemoContext, n: int) -> str:
    rng = ctx.rng(f"raisers:{n}")
    return "".join(rng.choice(ALPHABET) for _ in range(LENGTH))


def _one(role: str, **unit: object) -> Person | None:
    return Person.objects.filter(role_grants__role=role, is_active=True, **unit).order_by("pk").first()


def build(ctx: DemoContext) -> None:
    _enterprise_account(ctx)
    if PublicRaise.objects.exists():
        ctx.say("  网上诉求：已有，跳过")
        return
    codes = []
    for n, (category_code, place, words, address) in enumerate(STORIES):
        category = Category.objects.filter(code=category_code, active=True).first()
        region = Region.objects.filter(name=place, active=True).first()
        if category is None or region is None:
            continue
        raised = public_raise(description=words, category=category, region=region, address=address,
                              raiser_name="市民", raiser_phone=f"1390000{n:04d}")  # fmt: skip
        # The code the seed gives, in place of the random one, so the demo prints the same codes.
        code = _code(ctx, n)
        PublicRaise.objects.filter(issue=raised.issue).update(
            code_hash=code_hash(code), raised_at=timezone.now() - timedelta(days=3 - n)
        )
        codes.append(code)
        _move(raised.issue, n)
    channel = public_channel()
    ctx.say(
        f"  网上诉求：{len(codes)} 件（登记人“{channel.name}”）；演示查询码 "
        + "、".join(code_shown(c) for c in codes)
    )


def _move(issue: Issue, n: int) -> None:
    """The first stays in triage; the second is being handled; the third is answered."""
    if n == 0:
        return
    dispatcher = _one(Role.DISPATCHER, region__depth=0) or _one(Role.DISPATCHER)
    department = issue.category.default_department
    handler = _one(Role.HANDLER, department=department)
    if dispatcher is None or department is None or handler is None:
        return

    def act(action: str, who: Person, **payload: object) -> Issue:
        fresh = Issue.objects.get(pk=issue.pk)
        return issue_act(issue=fresh, action=action, actor=who, version=fresh.version, **payload)

    act("dispatch", dispatcher, lead_department=department, co_departments=[], tier=Tier.DEADLINE, workdays=5)
    act("accept", handler)
    if n == 1:
        return
    for item in Issue.objects.get(pk=issue.pk).checklist.filter(done_at__isnull=True):
        act("check_item", handler, item_id=item.pk)
    act("resolve", handler, resolution="已联系物业和执法中队，划定临时停车区，设置禁停标志。")
    act(
        "feedback",
        dispatcher,
        feedback="您反映的菜场门口乱停车问题，已划定临时停车区并设置禁停标志，执法中队早高峰巡查。",
    )
    assert Issue.objects.get(pk=issue.pk).source == Source.PORTAL


ENTERPRISE_LOGIN = "qiye"


def _enterprise_account(ctx: DemoContext) -> None:
    """`qiye`: the contact of the enterprise in the demo grid worker's grid with the most issues, so
    that its pages have issues, visits and policies to show."""
    if Person.objects.filter(username=ENTERPRISE_LOGIN).exists():
        return
    visitor = Person.objects.filter(username="visitor").first()
    grid = visitor.region if visitor else None
    firms = Target.objects.filter(kind=TargetKind.ENTERPRISE, active=True)
    if grid is not None:
        firms = firms.filter(grid=grid)
    firm = firms.annotate(n=Count("issues")).order_by("-n", "pk").first()
    if firm is None:
        return
    account_create(target=firm, username=ENTERPRISE_LOGIN, name="周经理", phone="13700005566",
                   password=settings.SANFUWU_DEMO_PASSWORD)  # fmt: skip
    ctx.say(f"  企业账号：{ENTERPRISE_LOGIN}（{firm.name}）")
