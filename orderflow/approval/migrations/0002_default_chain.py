"""P4.1.1: Sales head review -> division leader approval -> Finance review."""

from django.db import migrations

STEPS = [
    {"position": 1, "name": "销售部负责人审核", "assignee_kind": "dept_head",
     "department": "sales", "mode": "single", "time_limit_hours": 8},
    {"position": 2, "name": "事业部领导审批", "assignee_kind": "role",
     "role": "division_leader", "mode": "any", "time_limit_hours": 8},
    {"position": 3, "name": "财务部审核", "assignee_kind": "dept_head",
     "department": "finance", "mode": "single", "time_limit_hours": 8},
]


def seed(apps, schema_editor):
    ApprovalChain = apps.get_model("approval", "ApprovalChain")
    ApprovalStep = apps.get_model("approval", "ApprovalStep")
    chain, created = ApprovalChain.objects.get_or_create(
        subject_kind="order", defaults={"name": "订单审批"})
    if created:
        ApprovalStep.objects.bulk_create([ApprovalStep(chain=chain, **s) for s in STEPS])


class Migration(migrations.Migration):
    dependencies = [("approval", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
