"""Given-helpers for the procurement tests (P5.2): a released order, Procurement,
Quality, Finance and Sales people, a supplier, a contract in each state."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.execution.models import (
    IncomingInspection,
    PurchaseContract,
    PurchaseContractLine,
    SupplierCommunication,
    SupplierDelivery,
    SupplierDeliveryLine,
    SupplierReturn,
)
from orderflow.execution.services import procurement as svc
from orderflow.masterdata.models import Supplier
from orderflow.notifications.models import Notification
from orderflow.testing.execution import members, package_of, released_order
from orderflow.testing.factories import make_user


@pytest.fixture(autouse=True, name="english")
def english_fixture(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(name="people")
def people_fixture(db):
    """One member each of Procurement, Quality, Finance; another salesperson."""
    crew = members("procurement", "quality", "finance")
    crew["sales2"] = make_user(Dept.SALES, Role.STAFF, username="sales2")
    return crew


@pytest.fixture(name="order")
def order_fixture(people, salesperson, sales_head, customer, products):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["procurement", "quality", "finance"])


@pytest.fixture(name="supplier")
def supplier_fixture(db):
    return Supplier.objects.create(code="S001", name="苏州精工钢材有限公司")


def day(offset: int = 0) -> dt.date:
    return clock.today() + dt.timedelta(days=offset)


def line(**overrides) -> dict:
    return {"description": "钢材 Q235", "specification": "δ=10mm", "quantity": "5",
            "unit": "吨", "unit_price": "4200.00", **overrides}


def draft(order, actor, supplier, *, lines=None, **overrides) -> PurchaseContract:
    """Given: a draft contract dated today, delivery in 7 days."""
    kwargs = {"contract_date": day(), "delivery_date": day(7),
              "lines": lines or [line(), line(description="焊丝", quantity="20", unit="kg",
                                              unit_price="12.50")]}
    kwargs.update(overrides)
    return svc.purchase_contract_create(order_id=order.pk, actor=actor,
                                        supplier_id=supplier.pk, **kwargs)


def signed(order, actor, supplier, **overrides) -> PurchaseContract:
    contract = draft(order, actor, supplier, **overrides)
    return svc.purchase_contract_sign(contract_id=contract.pk, actor=actor)


def lines_of(contract) -> list[PurchaseContractLine]:
    return list(PurchaseContractLine.objects.filter(contract=contract).order_by("position"))


def receive_all(contract, actor, on=None) -> SupplierDelivery:
    return svc.supplier_delivery_record(
        contract_id=contract.pk, actor=actor, received_on=on or day(),
        lines=[{"contract_line_id": ln.pk, "quantity": ln.quantity - ln.received_quantity}
               for ln in lines_of(contract)])


def inspect_all(delivery, actor, rejected=Decimal("0")) -> list[IncomingInspection]:
    out = []
    for item in SupplierDeliveryLine.objects.filter(delivery=delivery).order_by("id"):
        out.append(svc.incoming_inspection_record(
            delivery_line_id=item.pk, actor=actor, inspected_on=day(),
            accepted_quantity=item.quantity - rejected, rejected_quantity=rejected,
            reason="表面锈蚀" if rejected else ""))
    return out


def deputy_for(principal, dept=Dept.SALES, username="deputy"):
    deputy = make_user(dept, Role.STAFF, username=username)
    Delegation.objects.create(principal=principal, deputy=deputy, starts_on=clock.today(),
                              ends_on=clock.today(), created_by=principal,
                              created_at=clock.now())
    return deputy


def counts() -> dict:
    """What a refused write must leave unchanged."""
    return {"contracts": PurchaseContract.objects.count(),
            "lines": PurchaseContractLine.objects.count(),
            "received": [str(v) for v in PurchaseContractLine.objects.order_by("id")
                         .values_list("received_quantity", flat=True)],
            "deliveries": SupplierDelivery.objects.count(),
            "delivery_lines": SupplierDeliveryLine.objects.count(),
            "inspections": IncomingInspection.objects.count(),
            "returns": SupplierReturn.objects.count(),
            "communications": SupplierCommunication.objects.count(),
            "events": AuditEvent.objects.count(), "notes": Notification.objects.count()}


__all__ = ["package_of"]
FIXTURES = ["english_fixture", "order_fixture", "people_fixture", "supplier_fixture"]
