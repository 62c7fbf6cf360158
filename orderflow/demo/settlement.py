"""The demo company's settlement (P7): of the executed orders, some settled in full
(statement, reconciliation, Finance audit, invoices, receipts), one collecting with a
dispute under negotiation, one waiting for Finance's audit, one left for Sales to start;
and an order in execution whose customer paid its 30% deposit (an advance payment).
Written through the services like everything else."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from orderflow.approval.models import ApprovalTask, TaskStatus
from orderflow.approval.services import task_approve
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_take_action
from orderflow.settlement.models import Instalment, SettlementStatement
from orderflow.settlement.services import (
    advance_record,
    dispute_log,
    dispute_open,
    invoice_issue,
    receipt_record,
    reconciliation_record,
    statement_submit,
)

AUDITOR = "finance1"


def _submitted(order, owner) -> SettlementStatement:
    order_take_action(order_id=order.pk, action="start_settlement", actor=owner)
    statement = SettlementStatement.objects.get(order=order, status="draft")
    reconciliation_record(statement_id=statement.pk, actor=owner, channel="phone",
                          contact_name=order.contact_name or "财务经理",
                          confirmed_on=clock.today(),
                          confirmed_amount=statement.total_gross,
                          payment_method="bank_transfer", note="客户确认结算金额")
    return statement_submit(statement_id=statement.pk, actor=owner)


def _audited(statement, users) -> None:
    task = ApprovalTask.objects.get(request__subject_kind="statement",
                                    request__subject_id=statement.pk,
                                    assignee=users[AUDITOR], status=TaskStatus.PENDING)
    task_approve(task_id=task.pk, actor=users[AUDITOR], comment="审核无误")


def _invoice(order, statement, users, number: int) -> None:
    invoice_issue(order_id=order.pk, actor=users[AUDITOR], kind="vat_special",
                  number=f"{44010000 + number:08d}", issued_on=clock.today(),
                  net_amount=statement.total_net, tax_amount=statement.total_tax)


def _collect(order, users, *, all_of_it: bool) -> None:
    instalments = Instalment.objects.filter(order=order).order_by("position")
    for n, instalment in enumerate(instalments):
        if not all_of_it and n > 0:
            break
        # still collecting: the first instalment only half paid (a partial payment)
        amount = instalment.amount if all_of_it else \
            (instalment.amount / 2).quantize(Decimal("0.01"))
        receipt_record(instalment_id=instalment.pk, actor=users["financehead"],
                       received_on=clock.today(), amount=amount,
                       method="acceptance_bill" if n else "bank_transfer",
                       bank_reference=f"CMB{order.pk:06d}{n + 1}")


def _dispute(order, owner) -> None:
    dispute = dispute_open(order_id=order.pk, actor=owner,
                           reason="客户称部分设备验收未完成，暂缓支付尾款",
                           disputed_amount=order.total_gross)
    dispute_log(dispute_id=dispute.pk, actor=owner, happened_on=clock.today(),
                channel="visit", summary="上门与客户采购部协商",
                outcome="客户同意验收完成后两周内付款")


# Each executed order in turn: 0 settled (most, so the archive has orders), 1 collecting
# with a dispute, 2 waiting for Finance's audit, 3 left executed.
_STAGES = (0, 3, 1, 0, 2, 0)


def settle_some(users: dict) -> Counter:
    """Settle the executed orders: three of four go into settlement at some stage."""
    outcome = Counter()
    executed = list(Order.objects.filter(status=State.EXECUTED)
                    .select_related("salesperson").order_by("id"))
    for n, order in enumerate(executed):
        stage, owner = _STAGES[n % len(_STAGES)], order.salesperson
        if stage == 3:
            outcome["executed"] += 1
            continue
        statement = _submitted(order, owner)
        if stage == 2:
            outcome["in_audit"] += 1
            continue
        _audited(statement, users)
        statement.refresh_from_db()
        _invoice(order, statement, users, n)
        _collect(order, users, all_of_it=stage == 0)
        if stage == 1:
            _dispute(order, owner)
        outcome["settled" if stage == 0 else "collecting"] += 1
    return outcome


def receive_advance(users: dict) -> int:
    """The first order in execution: its customer paid 30% on order (预付款, P7.1.1), which
    Finance recorded as an advance payment. How many were recorded (0 or 1)."""
    order = Order.objects.filter(status=State.IN_EXECUTION).order_by("id").first()
    if order is None or order.total_gross <= 0:
        return 0
    advance_record(order_id=order.pk, actor=users[AUDITOR],
                   received_on=max(order.order_date, clock.today() - dt.timedelta(days=3)),
                   amount=(order.total_gross * Decimal("0.30")).quantize(Decimal("0.01")),
                   method="bank_transfer", bank_reference=f"CMB{order.pk:06d}A",
                   note="合同约定 30% 预付款")
    return 1
