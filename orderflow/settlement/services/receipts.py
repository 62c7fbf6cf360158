"""Receipts (P7.2.2): Finance records money received against an instalment; partial
payments allowed, never more than the instalment still owes. The customer's receivables
fall by each receipt in the same transaction."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.validation import Errors
from orderflow.masterdata.models import Customer
from orderflow.orders.services import OrderOf, lock_order

from ..domain.money import amount_due, money_text
from ..models import Instalment, Receipt
from .common import audited_statement, money_received_values, require_finance
from .completion import settle_if_complete


def _validated(errors: Errors, order, instalment: Instalment, **fields) -> dict:
    values = money_received_values(errors, order_date=order.order_date, **fields)
    due = amount_due(instalment.amount, instalment.paid_amount)
    if values["amount"] is not None and "amount" not in errors.errors and \
            values["amount"] > due:
        errors.add("amount", _("The receipt is larger than the amount due on this "
                               "instalment (%(due)s).") % {"due": money_text(due)})
    return values


@transaction.atomic
def receipt_record(*, instalment_id: int, actor, received_on, amount, method,
                   bank_reference="", note="") -> Receipt:
    """Record a receipt against an instalment; the last one settles the order.

    Raises:
        NotFound, NotPermitted (not Finance), TransitionNotAllowed (order not in
        settlement), ValidationFailed (over the amount due, date in the future or before
        the order date, not positive).
    """
    order = lock_order(OrderOf(Instalment.objects.filter(pk=instalment_id),
                               missing=_("Instalment not found.")), actor)
    require_finance(actor)
    statement = audited_statement(order)
    instalment = Instalment.objects.get(pk=instalment_id)
    errors = Errors()
    values = _validated(errors, order, instalment, received_on=received_on, amount=amount,
                        method=method, bank_reference=bank_reference, note=note)
    errors.raise_if_any()
    receipt = Receipt.objects.create(instalment=instalment, order=order, recorded_by=actor,
                                     recorded_at=clock.now(), **values)
    Instalment.objects.filter(pk=instalment.pk).update(
        paid_amount=F("paid_amount") + receipt.amount)
    Customer.objects.filter(pk=order.customer_id).update(
        receivables_outstanding=F("receivables_outstanding") - receipt.amount)
    audit.record(actor, "settlement.receipt_recorded", receipt, data={
        "order": order.number, "instalment": instalment.position,
        "amount": str(receipt.amount), "method": receipt.method,
        "received_on": receipt.received_on.isoformat(),
        "bank_reference": receipt.bank_reference})
    settle_if_complete(order, statement, actor)
    return receipt
