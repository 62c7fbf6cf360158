"""P9.2.1: a query request is decided by the requester's department head (a dept_head
step with no department: the head of the requester's own department); P9.2.2 and P11:
the default archive settings."""

from django.db import migrations

STEPS = [
    {"position": 1, "name": "申请人部门负责人审批", "assignee_kind": "dept_head",
     "department": "", "mode": "single", "time_limit_hours": 16},
]


def seed(apps, schema_editor):
    ApprovalChain = apps.get_model("approval", "ApprovalChain")
    ApprovalStep = apps.get_model("approval", "ApprovalStep")
    ArchiveSettings = apps.get_model("archive", "ArchiveSettings")
    chain, created = ApprovalChain.objects.get_or_create(
        subject_kind="archive_query", defaults={"name": "档案查询审批"})
    if created:
        ApprovalStep.objects.bulk_create([ApprovalStep(chain=chain, **s) for s in STEPS])
    ArchiveSettings.objects.get_or_create(
        pk=1, defaults={"price_departments": ["sales", "finance", "management"],
                        "max_grant_days": 30})


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial"), ("approval", "0002_default_chain")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
