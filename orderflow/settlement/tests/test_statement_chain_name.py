"""The statement chain's step is named in Chinese only, like the other chains' steps
(migration 0005); a name an administrator chose stays; the migration is reversible."""

from importlib import import_module

import pytest
from django.apps import apps

from orderflow.approval.models import ApprovalStep

pytestmark = pytest.mark.django_db

migration = import_module("orderflow.settlement.migrations.0005_statement_step_name")


def step_name() -> str:
    return ApprovalStep.objects.get(chain__subject_kind="statement", position=1).name


def test_the_seeded_step_is_named_in_chinese():
    assert step_name() == "财务审核"


def test_the_migration_reverses_and_applies_again():
    migration.restore(apps, None)
    assert step_name() == "财务审核 Finance audit"
    migration.rename(apps, None)
    assert step_name() == "财务审核"


def test_a_name_an_administrator_chose_stays():
    ApprovalStep.objects.filter(chain__subject_kind="statement").update(name="财务复核")
    migration.rename(apps, None)
    assert step_name() == "财务复核"
    migration.restore(apps, None)
    assert step_name() == "财务复核"
