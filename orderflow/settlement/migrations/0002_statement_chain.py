"""P7.2.2: the default chain of the approval subject "statement": one step, Finance audit,
any one member of Finance, staff or head (或签). Administrators edit it like every chain."""

from django.db import migrations

STEP = {"position": 1, "name": "财务审核 Finance audit", "assignee_kind": "department",
        "role": "", "department": "finance", "mode": "any", "time_limit_hours": 16, "cc": []}


def seed(apps, schema_editor):
    ApprovalChain = apps.get_model("approval", "ApprovalChain")
    ApprovalStep = apps.get_model("approval", "ApprovalStep")
    chain, created = ApprovalChain.objects.get_or_create(
        subject_kind="statement", defaults={"name": "结算单审核"})
    if created:
        ApprovalStep.objects.create(chain=chain, **STEP)


def unseed(apps, schema_editor):
    apps.get_model("approval", "ApprovalChain").objects.filter(
        subject_kind="statement").delete()


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial"), ("approval", "0004_assignee_department")]
    operations = [migrations.RunPython(seed, unseed)]
