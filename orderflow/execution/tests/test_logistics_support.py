"""Given-steps shared by the logistics and finance tests (no tests here): an order
released to Logistics, Quality and Finance, passed final inspections, concessions."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.execution.models import (
    Concession,
    ConcessionStatus,
    CostRecord,
    ExecutionSequence,
    ExecutionSettings,
    InspectionRecord,
    InspectionResult,
    InspectionStage,
    Shipment,
    ShipmentLine,
)
from orderflow.notifications.models import Notification
from orderflow.testing.execution import members, package_of, released_order
from orderflow.testing.factories import make_user

DEPTS = ["logistics", "quality", "finance"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    return {**members("logistics", "quality", "finance", "production"),
            "admin": make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin1")}


def order_with(salesperson, sales_head, customer, products, *quantities, **overrides):
    """Given: an order of one line per quantity, released to Logistics, Quality, Finance."""
    lines = [{"product_id": products[i % len(products)].pk, "quantity": str(q),
              "unit_price": "10.00"} for i, q in enumerate(quantities)]
    return released_order(salesperson, customer, products, sales_head, departments=DEPTS,
                          lines=lines, **overrides)


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    """Two lines, 100 and 10 ordered."""
    return order_with(salesperson, sales_head, customer, products, 100, 10)


def lines_of(order):
    return list(order.lines.order_by("position"))


def passed(order, line, quantity, *, stage=InspectionStage.FINAL, by=None):
    """Given: `quantity` of the line passed inspection (final by default, P5.3.2)."""
    quantity = Decimal(str(quantity))
    return InspectionRecord.objects.create(
        order=order, package=package_of(order, "quality"),
        created_by=by or order.salesperson,
        created_at=timezone.now(), order_line=line, stage=stage, inspected_on=clock.today(),
        quantity_inspected=quantity, quantity_passed=quantity, quantity_failed=Decimal(0),
        result=InspectionResult.PASS)


def conceded(order, line, quantity, *, status=ConcessionStatus.APPROVED):
    return Concession.objects.create(
        order=order, order_line=line, quantity=Decimal(str(quantity)), reason="客户同意",
        status=status, requested_by=order.salesperson, requested_at=timezone.now())


def all_passed(order):
    for line in lines_of(order):
        passed(order, line, line.quantity * 2)


def set_tolerance(percent):
    ExecutionSettings.objects.update_or_create(pk=1, defaults={
        "shipment_tolerance_percent": Decimal(str(percent))})


def deputy_for(principal, dept=Dept.PRODUCTION, username="deputy"):
    deputy = make_user(dept, Role.STAFF, username=username)
    today = clock.today()
    Delegation.objects.create(principal=principal, deputy=deputy, starts_on=today,
                              ends_on=today, created_by=principal, created_at=timezone.now())
    return deputy


def counts() -> dict:
    """What a refused write must leave unchanged."""
    return {"shipments": Shipment.objects.count(), "lines": ShipmentLine.objects.count(),
            "costs": CostRecord.objects.count(), "events": AuditEvent.objects.count(),
            "notes": Notification.objects.count(),
            "numbers": list(ExecutionSequence.objects.values_list("key", "last_number")),
            "settings": list(ExecutionSettings.objects.values_list(
                "shipment_tolerance_percent", flat=True))}


def ship_kwargs(order, quantities: dict, **overrides):
    """shipment_create() arguments: {order line: quantity}."""
    data = {"order_id": order.pk, "carrier": "顺丰速运", "packages_count": 2,
            "shipped_on": clock.today(), "tracking_number": "SF1234567890",
            "lines": [{"order_line_id": line.pk, "quantity": str(q)}
                      for line, q in quantities.items()]}
    data.update(overrides)
    return data
