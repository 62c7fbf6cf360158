"""The order settles by itself (P7.2.2, P7.3.1): in the write that completes the
conditions, under the order lock: statement audited, invoiced in full, collected in full."""

from decimal import Decimal

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import apply_transition

from ..domain.money import ZERO, fully_settled
from ..models import Instalment, Invoice, Receipt, SettlementRecord, SettlementStatement
from .common import finance_members, tell


def invoiced_total(statement: SettlementStatement) -> Decimal:
    return (Invoice.objects.filter(statement=statement, voided_at__isnull=True)
            .aggregate(s=Sum("total"))["s"] or ZERO)


def collected_total(statement: SettlementStatement) -> Decimal:
    return (Instalment.objects.filter(statement=statement)
            .aggregate(s=Sum("paid_amount"))["s"] or ZERO)


def settle_if_complete(order, statement: SettlementStatement, actor) -> SettlementRecord | None:
    """Settle the locked order if everything is invoiced and collected; else nothing."""
    if order.status != State.IN_SETTLEMENT:
        return None
    invoiced, collected = invoiced_total(statement), collected_total(statement)
    if not fully_settled(statement_total=statement.total_gross, invoiced=invoiced,
                         collected=collected):
        return None
    receipts = Receipt.objects.filter(order_id=order.pk)
    methods = sorted(set(receipts.values_list("method", flat=True)))
    last = receipts.aggregate(last=Max("received_on"))["last"] or clock.today()
    apply_transition(order, "settle", actor, system=True, data={
        "statement": statement.number, "amount": str(statement.total_gross)})
    record = SettlementRecord.objects.create(
        order=order, statement=statement, customer_id=order.customer_id,
        settled_on=clock.today(), settled_at=clock.now(), amount=statement.total_gross,
        currency=statement.currency, invoiced=invoiced, payment_methods=methods,
        last_received_on=last)
    audit.record(actor, "settlement.recorded", record, data={
        "order": order.number, "amount": str(record.amount), "methods": methods,
        "settled_on": record.settled_on.isoformat()})
    tell([order.salesperson, *finance_members()], order, kind="settlement.settled",
         title=gettext_lazy("Order %(number)s is settled: invoiced and collected in full"))
    return record
