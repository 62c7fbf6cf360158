"""The statement chain's step is named in Chinese only, like every other chain's steps
(0002 seeded "财务审核 Finance audit", shown as such in the inbox and notifications).

Only a step that still has the seeded name is renamed: a name an administrator chose
stays. Rounds already started keep the name their stages were given (history)."""

from django.db import migrations

OLD_NAME = "财务审核 Finance audit"
NEW_NAME = "财务审核"


def _rename(apps, old: str, new: str) -> None:
    ApprovalStep = apps.get_model("approval", "ApprovalStep")
    ApprovalStep.objects.filter(chain__subject_kind="statement", name=old).update(name=new)


def rename(apps, schema_editor):
    _rename(apps, OLD_NAME, NEW_NAME)


def restore(apps, schema_editor):
    _rename(apps, NEW_NAME, OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0004_advance_refunds"),
                    ("approval", "0004_assignee_department")]
    operations = [migrations.RunPython(rename, restore)]
