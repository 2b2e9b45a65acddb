from django.db import migrations, models


def number_existing(apps, schema_editor):
    """Visits recorded before numbers existed get them in the order they happened, per year."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    Visit = apps.get_model("visits", "Visit")
    VisitCounter = apps.get_model("visits", "VisitCounter")
    zone = ZoneInfo(settings.TIME_ZONE)
    last: dict[int, int] = {}
    for visit in Visit.objects.order_by("visited_at", "id").only("id", "visited_at").iterator():
        year = visit.visited_at.astimezone(zone).year
        last[year] = last.get(year, 0) + 1
        Visit.objects.filter(pk=visit.pk).update(number=f"ZF-{year}-{last[year]:06d}")
    VisitCounter.objects.bulk_create([VisitCounter(year=y, last=n) for y, n in last.items()])


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="VisitCounter",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("last", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="visit",
            name="number",
            field=models.CharField(max_length=20, null=True, verbose_name="走访编号"),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visit",
            name="number",
            field=models.CharField(max_length=20, unique=True, verbose_name="走访编号"),
        ),
    ]
