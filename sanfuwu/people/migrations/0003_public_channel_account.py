"""The public channel's account (网上诉求) exists from the start, so that checking a ledger which
names it, or the first resident's problem, writes no account on the way."""

from django.contrib.auth.hashers import make_password
from django.db import migrations

USERNAME = "__public_channel__"


def create(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Person.objects.get_or_create(
        username=USERNAME, defaults={"name": "网上诉求", "is_active": False, "password": make_password(None)}
    )


def remove(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Person.objects.filter(username=USERNAME, registered_issues__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_head_role_and_stand_in")]
    operations = [migrations.RunPython(create, remove)]
