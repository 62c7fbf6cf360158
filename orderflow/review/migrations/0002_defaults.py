"""The policy's defaults (P3.1.1, P3.3.2, P3.1.2); an admin changes them later (P11)."""

from django.db import migrations

REVIEWERS = ["technology", "production", "quality", "procurement", "finance"]
ORDER_TYPES = ["standard", "customised", "sample", "service"]


def seed(apps, schema_editor):
    ReviewRoute = apps.get_model("review", "ReviewRoute")
    ReviewTimeLimit = apps.get_model("review", "ReviewTimeLimit")
    MajorOrderRule = apps.get_model("review", "MajorOrderRule")
    Department = apps.get_model("accounts", "Department")
    for order_type in ORDER_TYPES:
        ReviewRoute.objects.get_or_create(order_type=order_type,
                                          defaults={"departments": REVIEWERS})
    for dept in Department.objects.filter(code__in=REVIEWERS):
        ReviewTimeLimit.objects.get_or_create(department=dept)
    MajorOrderRule.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial"), ("accounts", "0002_seed_departments")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
