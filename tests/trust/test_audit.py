"""Every change to targets, people, roles and configuration is recorded with who, when, from
where, before and after; the record is read, filtered and exported, never edited."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.audit.context import acting_as
from sanfuwu.audit.models import AuditAction, AuditEntry
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person, Role
from sanfuwu.people.services import person_set_roles
from sanfuwu.tokens.services import token_create, token_revoke
from tests.conftest import World, client_for, make_person


def _staff(person: Person) -> Person:
    person.is_staff = person.is_superuser = True
    person.save()
    return person


def test_it_records_a_target_edit_with_who_where_and_before_and_after(
    world: World, xiasha_dispatcher: Person
) -> None:
    client = client_for(xiasha_dispatcher)
    url = reverse("targets:edit", args=[world.xiasha_firm.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, dict))}
    data.update({"name": "下沙星辰制药股份有限公司", "kind": world.xiasha_firm.kind})
    for key, value in list(data.items()):
        if hasattr(value, "pk"):
            data[key] = value.pk
    response = client.post(url, data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, model="targets.target")
    assert entry.actor == xiasha_dispatcher and entry.actor_name == xiasha_dispatcher.name
    assert entry.address == "10.1.2.3" and entry.channel == "web"
    assert entry.before == {"name": "下沙星辰制药有限公司"}
    assert entry.after == {"name": "下沙星辰制药股份有限公司"}


def test_it_records_role_changes_naming_the_person(world: World, leader: Person) -> None:
    person = make_person("zhang", [Role.VISITOR], region=world.touge_grid)
    person_set_roles(person=person, roles=[Role.DISPATCHER])
    change = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(person.pk)).first()
    assert change is not None and change.object_repr == "zhang"
    assert change.before == {"roles": ["visitor"]} and change.after == {"roles": ["dispatcher"]}


def test_it_records_a_role_granted_in_the_admin_naming_the_person(world: World, admin_person: Person) -> None:
    from sanfuwu.people.models import RoleGrant

    person = make_person("li", [Role.VISITOR], region=world.touge_grid)
    RoleGrant.objects.create(person=person, role=Role.SUPERVISOR)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, model="people.rolegrant")
    assert entry.object_repr == "li：督查员"


def test_it_records_catalogue_changes_made_in_the_admin(world: World, admin_person: Person) -> None:
    category = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    client = client_for(_staff(admin_person))
    page = client.get(reverse("admin:orgs_category_change", args=[category.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["name"] = "道路与交通"
    response = client.post(reverse("admin:orgs_category_change", args=[category.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, model="orgs.category")
    assert entry.actor == admin_person
    assert entry.before == {"name": "道路交通"} and entry.after == {"name": "道路与交通"}


def test_it_records_a_token_without_its_secret(world: World, leader: Person) -> None:
    made = token_create(person=leader, name="大数据局对接", scope="read", days=30)
    token_revoke(token=made.token)
    created = AuditEntry.objects.get(action=AuditAction.CREATE, model="tokens.apitoken")
    assert made.raw not in str(created.after) and made.token.key_hash not in str(created.after)
    assert (created.after or {})["key_hash"].startswith("已设置·")
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, model="tokens.apitoken").exists()


def test_a_command_is_recorded_as_itself(world: World) -> None:
    with acting_as(channel="command", actor_name="命令行 sanfuwu import"):
        Category.objects.create(code="water", name="供水", default_department=world.jianshe)
    entry = AuditEntry.objects.get(model="orgs.category")
    assert entry.actor is None and entry.actor_name == "命令行 sanfuwu import" and entry.channel == "command"


def test_a_change_rolled_back_leaves_no_audit_row(world: World) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.create(code="gas", name="燃气", default_department=world.jianshe)
        raise RuntimeError("refused later in the same action")
    assert not AuditEntry.objects.filter(model="orgs.category").exists()


def test_nobody_edits_or_deletes_an_audit_row(world: World, admin_person: Person) -> None:
    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    entry = AuditEntry.objects.get(model="orgs.category")
    entry.note = "改写"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    client = client_for(_staff(admin_person))
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    posted = client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"note": "改写"})
    assert posted.status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


def test_the_audit_is_filtered_and_exported_to_excel(world: World, admin_person: Person) -> None:
    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    make_person("zhang", [Role.VISITOR], region=world.touge_grid)
    client = client_for(_staff(admin_person))
    listing = client.get(reverse("admin:audit_auditentry_changelist"), {"model": "orgs.category"})
    assert listing.status_code == 200 and "道路交通" in listing.content.decode()
    assert "export-audit" in listing.content.decode()
    exported = client.get(reverse("admin:audit_auditentry_export"), {"model": "orgs.category"})
    assert exported.status_code == 200
    content = b"".join(exported.streaming_content)  # type: ignore[attr-defined]
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "操作人", "来源地址", "途径", "动作")
    assert len(rows) == 2 and rows[1][7] == "道路交通" and rows[1][4] == "新增"


def test_only_those_who_see_the_whole_district_read_the_audit(world: World, xiasha_staff: Person) -> None:
    from django.contrib.auth.models import Permission

    xiasha_staff.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client = client_for(Person.objects.get(pk=xiasha_staff.pk))
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_export")).status_code == 403
    assert Client().get(reverse("admin:audit_auditentry_export")).status_code == 302


def test_a_robots_webhook_key_never_reaches_the_audit(world: World) -> None:
    from sanfuwu.notify.models import Receiver

    Receiver.objects.create(name="下沙工作群", kind="wecom", region=world.xiasha,
                            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY-123",
                            secret="SECabcdef")  # fmt: skip
    entry = AuditEntry.objects.get(model="notify.receiver")
    assert "SECRET-KEY-123" not in str(entry.after) and "SECabcdef" not in str(entry.after)
    assert (entry.after or {})["url"].startswith("已设置·")


def test_rows_an_import_writes_name_the_person_who_handed_it_in(world: World, admin_person: Person) -> None:
    from sanfuwu.imports.kinds import KINDS
    from sanfuwu.imports.runs import import_run_create, import_run_execute
    from tests.imports.helpers import header_of, row_of, workbook

    rows = [row_of("targets", 名称="审计导入社区", 类型="社区", 所属区域="下沙街道")]
    run = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="一行.xlsx",
                            data=workbook(header_of("targets"), rows), dry_run=False)  # fmt: skip
    with acting_as(channel="worker", actor_name="后台任务"):  # as a worker would run it
        import_run_execute(run_id=run.pk)
    created = AuditEntry.objects.get(
        action=AuditAction.CREATE, model="targets.target", object_repr="审计导入社区"
    )
    assert created.actor == admin_person and created.channel == "import"
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, actor=admin_person).exists()
