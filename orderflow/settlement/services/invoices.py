"""Invoices (P7.2.2): Finance issues them after the audit, several per order, never more
than the statement in total; a void one (红冲) is kept, marked void, and stops counting."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed, ValidationFailed
from orderflow.core.validation import Errors
from orderflow.orders.services import OrderOf, lock_order
from orderflow.release.domain.money_words import amount_in_words

from ..domain.money import (
    ZERO,
    invoice_room,
    invoice_tax_refused,
    is_invoice_number,
    money_text,
    percent_text,
)
from ..models import Invoice, InvoiceKind
from .common import MAX_AMOUNT, MAX_TEXT, audited_statement, require_finance
from .completion import invoiced_total, settle_if_complete


def _validated(errors: Errors, *, kind, number, issued_on, net_amount, tax_amount) -> dict:
    values = {
        "kind": errors.choice("kind", kind, InvoiceKind.choices),
        "number": errors.text("number", number, required=True, max_length=20),
        "issued_on": errors.date("issued_on", issued_on),
        "net_amount": errors.decimal("net_amount", net_amount, positive=True,
                                     max_value=MAX_AMOUNT),
        "tax_amount": errors.decimal("tax_amount", tax_amount, min_value=Decimal("0"),
                                     max_value=MAX_AMOUNT),
    }
    if values["number"] and "number" not in errors.errors \
            and not is_invoice_number(values["number"]):
        errors.add("number", _("An invoice number has 8 or 20 digits."))
    if values["issued_on"] and values["issued_on"] > clock.today():
        errors.add("issued_on", _("The date cannot be in the future."))
    return values


@transaction.atomic
def invoice_issue(*, order_id: int, actor, kind, number, issued_on, net_amount,
                  tax_amount) -> Invoice:
    """Record an invoice issued to the customer (P7.2.2); the amount in 大写 is computed.

    Raises:
        NotFound, NotPermitted (not Finance), TransitionNotAllowed (not audited or not in
        settlement), ValidationFailed (number taken or malformed, date in the future,
        amounts, the invoices' total over the statement total, the tax not the amount
        before tax at the statement's tax rate(s)).
    """
    order = lock_order(order_id, actor)
    require_finance(actor)
    statement = audited_statement(order)
    errors = Errors()
    values = _validated(errors, kind=kind, number=number, issued_on=issued_on,
                        net_amount=net_amount, tax_amount=tax_amount)
    if "number" not in errors.errors and "kind" not in errors.errors and \
            Invoice.objects.filter(kind=values["kind"], number=values["number"]).exists():
        errors.add("number", _("An invoice of this type with this number is already "
                               "recorded."))
    total = None
    if values["net_amount"] is not None and values["tax_amount"] is not None and \
            not {"net_amount", "tax_amount"} & set(errors.errors):
        total = values["net_amount"] + values["tax_amount"]
        _check_against_statement(errors, statement, values["net_amount"],
                                 values["tax_amount"])
    errors.raise_if_any()
    invoice = _create(order=order, statement=statement, total=total,
                      amount_in_words=amount_in_words(total), issued_by=actor,
                      issued_at=clock.now(), **values)
    audit.record(actor, "settlement.invoice_issued", invoice, data={
        "order": order.number, "kind": invoice.kind, "number": invoice.number,
        "total": str(total), "issued_on": invoice.issued_on.isoformat()})
    settle_if_complete(order, statement, actor)
    return invoice


def _check_against_statement(errors: Errors, statement, net: Decimal, tax: Decimal) -> None:
    """P7.2.2: the invoices never exceed the statement in total, and the tax is the net
    amount at the statement's tax rate(s)."""
    room = invoice_room(statement.total_gross, invoiced_total(statement))
    if net + tax > room:
        errors.add("net_amount", _("The invoices would exceed the statement total: at "
                                   "most %(room)s (with tax) can still be invoiced.")
                   % {"room": money_text(room)})
    # A line settling nothing is on no invoice: its rate does not count.
    rates = [rate for rate, amount in statement.lines.values_list("tax_rate", "amount")
             if amount != 0]
    so_far = (Invoice.objects.filter(statement=statement, voided_at__isnull=True)
              .aggregate(net=Sum("net_amount"), tax=Sum("tax_amount")))
    bounds = invoice_tax_refused(net, tax, rates, invoiced_net=so_far["net"] or ZERO,
                                 invoiced_tax=so_far["tax"] or ZERO,
                                 statement_net=statement.total_net,
                                 statement_tax=statement.total_tax)
    if bounds is None:
        return
    if bounds.single_rate:
        errors.add("tax_amount", _("The tax should be %(expected)s (the amount before tax "
                                   "× %(rate)s).")
                   % {"expected": money_text(bounds.low),
                      "rate": percent_text(bounds.low_rate)})
    else:
        errors.add("tax_amount", _("The tax should be between %(low)s and %(high)s (the "
                                   "amount before tax × %(low_rate)s to × %(high_rate)s).")
                   % {"low": money_text(bounds.low), "high": money_text(bounds.high),
                      "low_rate": percent_text(bounds.low_rate),
                      "high_rate": percent_text(bounds.high_rate)})


def _create(**fields) -> Invoice:
    """Insert the invoice; the same number recorded at the same moment on another order
    (whose lock is not ours) meets the unique constraint: a field error, not a crash."""
    try:
        with transaction.atomic():
            return Invoice.objects.create(**fields)
    except IntegrityError:
        raise ValidationFailed({"number": [_("An invoice of this type with this number is "
                                            "already recorded.")]}) from None


@transaction.atomic
def invoice_void(*, invoice_id: int, actor, reason) -> Invoice:
    """Void an invoice (红冲) with a reason: kept, marked void, no longer counted.

    Raises:
        NotFound, NotPermitted (not Finance), TransitionNotAllowed (already void, order
        no longer in settlement), ValidationFailed (no reason).
    """
    order = lock_order(OrderOf(Invoice.objects.filter(pk=invoice_id),
                               missing=_("Invoice not found.")), actor)
    require_finance(actor)
    audited_statement(order)
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.is_void:
        raise TransitionNotAllowed(_("This invoice is already void."))
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    errors.raise_if_any()
    invoice.voided_at, invoice.voided_by, invoice.void_reason = clock.now(), actor, reason
    invoice.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit.record(actor, "settlement.invoice_voided", invoice, data={
        "order": order.number, "number": invoice.number, "reason": reason,
        "total": str(invoice.total)})
    return invoice
