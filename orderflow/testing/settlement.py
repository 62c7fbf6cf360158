"""Test support for settlement (P7): an executed order with its goods delivered, Finance
members, a walk through statement, reconciliation and Finance's audit, and an audit that
leaves advance payments to be refunded."""

import datetime as dt
from decimal import Decimal

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalTask, TaskStatus
from orderflow.approval.services import task_approve
from orderflow.core import clock
from orderflow.execution.models import Shipment, ShipmentLine, ShipmentStatus
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.models import Instalment, SettlementRecord, SettlementStatement
from orderflow.settlement.services import (
    advance_record,
    invoice_issue,
    receipt_record,
    reconciliation_record,
    settlement_start,
    statement_set_quantities,
    statement_submit,
)
from orderflow.testing.execution import package_of, released_order
from orderflow.testing.factories import make_user


def finance_people() -> dict:
    return {"staff": make_user(Dept.FINANCE, Role.STAFF, username="finance1"),
            "other": make_user(Dept.FINANCE, Role.STAFF, username="finance2"),
            "head": make_user(Dept.FINANCE, Role.DEPT_HEAD, username="financehead")}


def deliver(order, quantities: dict | None = None, *, on: dt.date | None = None,
            actor=None) -> Shipment:
    """Given: a shipment of the order (all ordered, or {line id: qty}) delivered."""
    day = on or clock.today()
    package = package_of(order, "logistics")
    shipment = Shipment.objects.create(
        order=order, package=package, created_by=actor or order.salesperson,
        created_at=clock.now(), number=f"SH-{order.pk}-{Shipment.objects.count() + 1}",
        carrier="顺丰速运", packages_count=1, shipped_on=day, delivered_on=day,
        status=ShipmentStatus.DELIVERED)
    lines = order.lines.order_by("position")
    ShipmentLine.objects.bulk_create([
        ShipmentLine(shipment=shipment, order_line=ln,
                     quantity=Decimal((quantities or {}).get(ln.pk, ln.quantity)))
        for ln in lines if Decimal((quantities or {}).get(ln.pk, ln.quantity)) > 0])
    return shipment


def executed_order(owner, customer, products, releaser, *, quantities=None, **overrides):
    """Given: an order released to Logistics and Finance, delivered, executed."""
    order = released_order(owner, customer, products, releaser,
                           departments=["logistics", "finance"], **overrides)
    deliver(order, quantities)
    return put_in_state(order, State.EXECUTED)


def delivered_in_execution(owner, customer, products, releaser, *, days_ago: int = 10):
    """Everything delivered, the order still in execution (a package open) and dated
    `days_ago`: where advance payments are recorded (P7.1.1)."""
    return put_in_state(executed_order(owner, customer, products, releaser,
                                       order_date=clock.today() - dt.timedelta(days=days_ago)),
                        State.IN_EXECUTION)


def in_settlement(order, owner) -> SettlementStatement:
    """When: Sales starts the settlement; the drafted statement."""
    settlement_start(order_id=order.pk, actor=owner)
    return SettlementStatement.objects.get(order=order, status="draft")


def reconcile(statement, owner, **overrides):
    values = {"channel": "phone", "contact_name": "王经理",
              "confirmed_on": clock.today().isoformat(),
              "confirmed_amount": str(statement.total_gross),
              "payment_method": "bank_transfer", "note": ""}
    return reconciliation_record(statement_id=statement.pk, actor=owner,
                                 **{**values, **overrides})


def submitted(statement, owner) -> SettlementStatement:
    reconcile(statement, owner)
    return statement_submit(statement_id=statement.pk, actor=owner)


def audit_task(statement, auditor) -> ApprovalTask:
    return ApprovalTask.objects.get(request__subject_kind="statement",
                                    request__subject_id=statement.pk, assignee=auditor,
                                    status=TaskStatus.PENDING)


def audited(statement, owner, auditor) -> SettlementStatement:
    """Given: the statement reconciled, submitted and approved by Finance."""
    submitted(statement, owner)
    task = audit_task(statement, auditor)
    task_approve(task_id=task.pk, actor=auditor)
    statement.refresh_from_db()
    return statement


def settled_in_full(order, owner, finance) -> SettlementRecord:
    """Given: the executed order's statement audited, invoiced in one VAT invoice and every
    instalment paid: the order is settled and its settlement record written (P7.3.1)."""
    statement = audited(in_settlement(order, owner), owner, finance["head"])
    invoice_issue(order_id=order.pk, actor=finance["staff"], kind="vat_special",
                  number=f"{order.pk:08d}", issued_on=clock.today(),
                  net_amount=statement.total_net, tax_amount=statement.total_tax)
    for instalment in Instalment.objects.filter(order=order).order_by("position"):
        receipt_record(instalment_id=instalment.pk, actor=finance["staff"],
                       received_on=clock.today(), amount=instalment.amount,
                       method="bank_transfer")
    return SettlementRecord.objects.get(order=order)


def audited_with_excess(order, owner, finance, *, paid: str = "4520.00",
                        received_on: dt.date | None = None) -> SettlementStatement:
    """Given: the customer paid `paid` in advance (by default the whole 4,520.00), one
    unit of the first line was settled (3,390.00) and Finance audited it: the rest of the
    advances (1,130.00) exceeds the statement, to be refunded (P7.1.1)."""
    advance_record(order_id=order.pk, actor=finance["staff"], amount=paid,
                   received_on=received_on or clock.today(), method="bank_transfer",
                   bank_reference="CMB-ADV-01")
    if order.status != State.EXECUTED:
        put_in_state(order, State.EXECUTED)
    statement = in_settlement(order, owner)
    line = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=owner,
                                         quantities={str(line.order_line_id): "1"})
    return audited(statement, owner, finance["head"])
