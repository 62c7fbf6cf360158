"""Execution records in the dossier (P9.1.1): a workbook with a sheet per department's
record type; purchases and costs (prices, P9.2.2) in a workbook of their own."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from orderflow.accounts.models import Department
from orderflow.archive.sources.execution import execution_files
from orderflow.execution.models import CostRecord, ProductionProblem
from orderflow.release.models import WorkPackage

from .conftest import settled_order

pytestmark = pytest.mark.django_db


def _package(order, code):
    now = timezone.now()
    return WorkPackage.objects.create(order=order, department=Department.objects.get(code=code),
                                      released_at=now, updated_at=now)


def test_no_records_no_workbook(people, customer, products, django_assert_num_queries):
    order = settled_order(people["owner"], customer, products)
    with django_assert_num_queries(1):
        assert execution_files(order) == []


def test_a_sheet_per_record_type_and_prices_apart(people, customer, products):
    order = settled_order(people["owner"], customer, products)
    now, owner = timezone.now(), people["owner"]
    ProductionProblem.objects.create(order=order, package=_package(order, "production"),
                                     created_by=owner, created_at=now, kind="material_late",
                                     description="原材料延迟到货", owner=owner,
                                     due_date=now.date())
    CostRecord.objects.create(order=order, package=_package(order, "finance"),
                              created_by=owner, created_at=now, category="materials",
                              amount=Decimal("1200.50"), incurred_on=now.date(),
                              description="钢材")
    plain, priced = execution_files(order)
    assert (plain.holds_prices, priced.holds_prices) == (False, True)
    book = load_workbook(io.BytesIO(plain.content))
    assert book.sheetnames == ["生产部-问题"]
    assert "原材料延迟到货" in [c.value for c in book["生产部-问题"][2]]
    costs = load_workbook(io.BytesIO(priced.content))
    assert costs.sheetnames == ["财务部-成本"]
    assert 1200.5 in [c.value for c in costs["财务部-成本"][2]]
