from django.db import migrations


def seed(apps, schema_editor):
    WorkSchedule = apps.get_model("workcal", "WorkSchedule")
    WorkSchedule.objects.get_or_create(pk=1, defaults={"workdays": [1, 2, 3, 4, 5]})


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
