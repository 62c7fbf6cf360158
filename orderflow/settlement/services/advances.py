"""Advance payments (预收款, P7.1.1 payment terms, P7.2.2 collection): Finance records the
money the customer pays before the statement is audited (a deposit on order, a payment
before delivery), voids a wrong entry, the audit applies the advances to the payment
schedule as receipts, and Finance records what it paid back of what the statement did not
need (预收款退款)."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.archive.permissions import may_see_prices
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.masterdata.models import Customer
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import OrderOf, lock_order

from ..domain.advances import advance_room, advances_open, allocate, refund_due, refunds_open
from ..domain.money import ZERO, money_text
from ..models import AdvanceReceipt, AdvanceRefund, Instalment, Receipt, SettlementStatement
from .common import (
    MAX_TEXT,
    money_moved_values,
    money_received_values,
    require_finance,
    tell,
)


def _price_readers(*people) -> list:
    """P9.2.2: the notifications name amounts, so only those who may see prices get them."""
    return [p for p in people if p and may_see_prices(p)]


def require_advances_open(order) -> None:
    """Raises TransitionNotAllowed unless the order is signed and its statement is not
    audited yet (P7.1.1: the advances the terms ask for arrive before the audit)."""
    audited = SettlementStatement.objects.is_audited(order)
    if audited and order.status == State.IN_SETTLEMENT:
        raise TransitionNotAllowed(_("Finance has audited the settlement statement: record "
                                     "the money as a receipt against its instalment."))
    if not advances_open(order.status, audited):
        raise TransitionNotAllowed(_("Advance payments are recorded from the order's "
                                     "sign-off until Finance audits the settlement "
                                     "statement; this order is not at that stage."))


def live_advances_total(order_id: int) -> Decimal:
    return (AdvanceReceipt.objects.filter(order_id=order_id, voided_at__isnull=True)
            .aggregate(s=Sum("amount"))["s"] or ZERO)


def _validated(errors: Errors, order, **fields) -> dict:
    values = money_received_values(errors, order_date=order.order_date, **fields)
    if values["amount"] is not None and "amount" not in errors.errors:
        room = advance_room(order.total_gross, live_advances_total(order.pk))
        if values["amount"] > room:
            errors.add("amount", _("The advance payments would exceed the order total "
                                   "(%(total)s): at most %(room)s is still open.")
                       % {"total": money_text(order.total_gross), "room": money_text(room)})
    return values


@transaction.atomic
def advance_record(*, order_id: int, actor, received_on, amount, method, bank_reference="",
                   note="") -> AdvanceReceipt:
    """Record money the customer paid in advance (P7.1.1), applied at the audit.

    Raises:
        NotFound, NotPermitted (not Finance), TransitionNotAllowed (not signed yet,
        statement already audited, order ended), ValidationFailed (date in the future or
        before the order date, amount not positive, the live advances over the order
        total).
    """
    order = lock_order(order_id, actor)
    require_finance(actor)
    require_advances_open(order)
    errors = Errors()
    values = _validated(errors, order, received_on=received_on, amount=amount, method=method,
                        bank_reference=bank_reference, note=note)
    errors.raise_if_any()
    advance = AdvanceReceipt.objects.create(order=order, recorded_by=actor,
                                            recorded_at=clock.now(), **values)
    audit.record(actor, "settlement.advance_recorded", advance, data={
        "order": order.number, "amount": str(advance.amount), "method": advance.method,
        "received_on": advance.received_on.isoformat(),
        "bank_reference": advance.bank_reference})
    tell(_price_readers(order.salesperson), order, kind="settlement.advance", exclude=actor,
         params={"amount": money_text(advance.amount), "currency": order.currency},
         title=gettext_lazy("Order %(number)s: an advance payment of %(currency)s "
                            "%(amount)s was received"))
    return advance


@transaction.atomic
def advance_void(*, advance_id: int, actor, reason) -> AdvanceReceipt:
    """Void a wrongly recorded advance with a reason: kept, marked void, no longer counted.

    Raises:
        NotFound, NotPermitted (not Finance), TransitionNotAllowed (already void or
        applied: the statement is audited), ValidationFailed (no reason).
    """
    order = lock_order(OrderOf(AdvanceReceipt.objects.filter(pk=advance_id),
                               missing=_("Advance payment not found.")), actor)
    require_finance(actor)
    advance = AdvanceReceipt.objects.select_for_update().get(pk=advance_id)
    if advance.is_void:
        raise TransitionNotAllowed(_("This advance payment is already void."))
    if advance.applied_amount > 0:
        raise TransitionNotAllowed(_("This advance payment was applied to the payment "
                                     "schedule at the audit; it can no longer be voided."))
    require_advances_open(order)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    errors.raise_if_any()
    advance.voided_at, advance.voided_by, advance.void_reason = clock.now(), actor, reason
    advance.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit.record(actor, "settlement.advance_voided", advance, data={
        "order": order.number, "amount": str(advance.amount), "reason": reason})
    return advance


def _receipt_note(advance: AdvanceReceipt) -> str:
    # Kept with the receipt: in the company's language, whoever audits.
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Advance payment (预收款) received %(date)s") % {
            "date": advance.received_on.isoformat()}
    return f"{label}: {advance.note}" if advance.note else label


def advances_apply(*, order, statement, actor, on_behalf_of=None) -> Decimal:
    """At the audit (P7.2.2): the order's live advances, oldest first, pay the fresh
    schedule's instalments in order as receipts; the customer's receivables fall by what
    was applied. What the statement does not need stays unapplied (to be refunded).
    Returns the amount applied. Runs in the audit's transaction, under the order lock."""
    advances = list(AdvanceReceipt.objects.select_for_update()
                    .filter(order_id=order.pk, voided_at__isnull=True)
                    .order_by("received_on", "id"))
    if not advances:
        return ZERO
    instalments = list(Instalment.objects.filter(statement=statement).order_by("position"))
    plan = allocate([a.amount - a.applied_amount for a in advances],
                    [i.amount - i.paid_amount for i in instalments])
    receipts, applied = [], ZERO
    for advance, portions in zip(advances, plan, strict=True):
        for index, amount in portions:
            instalments[index].paid_amount += amount
            receipts.append(Receipt(
                instalment=instalments[index], order=order, advance=advance,
                received_on=advance.received_on, amount=amount, method=advance.method,
                bank_reference=advance.bank_reference, note=_receipt_note(advance),
                recorded_by_id=advance.recorded_by_id, recorded_at=advance.recorded_at))
        share = sum((amount for _i, amount in portions), ZERO)
        advance.applied_amount += share
        applied += share
    Receipt.objects.bulk_create(receipts)
    Instalment.objects.bulk_update(instalments, ["paid_amount"])
    AdvanceReceipt.objects.bulk_update(advances, ["applied_amount"])
    Customer.objects.filter(pk=order.customer_id).update(
        receivables_outstanding=F("receivables_outstanding") - applied)
    for advance, portions in zip(advances, plan, strict=True):
        _audit_applied(actor, on_behalf_of, order, statement, advance,
                       [[instalments[i].position, str(a)] for i, a in portions])
    return applied


def _audit_applied(actor, on_behalf_of, order, statement, advance, portions) -> None:
    audit.record(actor, "settlement.advance_applied", advance, on_behalf_of=on_behalf_of,
                 data={"order": order.number, "statement": statement.number,
                       "amount": str(advance.amount), "applied": str(advance.applied_amount),
                       "unapplied": str(advance.amount - advance.applied_amount),
                       "instalments": portions})


def require_refunds_open(order) -> None:
    """Raises TransitionNotAllowed unless the statement is audited (in settlement), the
    order settled, or cancelled or declined (every live advance is owed back): only then
    is the excess known. An archived dossier is read-only."""
    if order.status == State.ARCHIVED:
        raise TransitionNotAllowed(_("The order is archived and its dossier is read-only: "
                                     "a refund can no longer be recorded."))
    if not refunds_open(order.status, SettlementStatement.objects.is_audited(order)):
        raise TransitionNotAllowed(_("Advance payments are refunded once Finance has "
                                     "audited the settlement statement; this order is not "
                                     "at that stage."))


def still_to_refund(order_id: int) -> Decimal:
    """The live advances' unapplied remainders less the refunds already recorded."""
    unapplied = (AdvanceReceipt.objects.filter(order_id=order_id, voided_at__isnull=True)
                 .aggregate(s=Sum(F("amount") - F("applied_amount")))["s"] or ZERO)
    refunded = (AdvanceRefund.objects.filter(order_id=order_id)
                .aggregate(s=Sum("amount"))["s"] or ZERO)
    return refund_due(unapplied, refunded)


def _refund_validated(errors: Errors, order, due: Decimal, **fields) -> dict:
    values = money_moved_values(errors, date_field="refunded_on", **fields)
    day = values["refunded_on"]
    first = (AdvanceReceipt.objects.filter(order_id=order.pk, voided_at__isnull=True)
             .order_by("received_on").values_list("received_on", flat=True).first())
    if day and "refunded_on" not in errors.errors and first and day < first:
        errors.add("refunded_on", _("The refund cannot be dated before the first advance "
                                    "payment (%(date)s).") % {"date": first.isoformat()})
    if values["amount"] is not None and "amount" not in errors.errors and \
            values["amount"] > due:
        errors.add("amount", _("At most %(due)s of the advance payments is still to be "
                               "refunded.") % {"due": money_text(due)})
    return values


@transaction.atomic
def advance_refund_record(*, order_id: int, actor, refunded_on, amount, method,
                          bank_reference="", note="") -> AdvanceRefund:
    """Record money paid back to the customer out of the advances the audited statement
    did not need (P7.1.1, P7.2.2).

    Raises:
        NotFound, NotPermitted (not Finance), TransitionNotAllowed (statement not audited,
        order archived or ended), ValidationFailed (date in the future or before the first
        advance, amount not positive or over what is still to be refunded).
    """
    order = lock_order(order_id, actor)
    require_finance(actor)
    require_refunds_open(order)
    due = still_to_refund(order.pk)
    errors = Errors()
    values = _refund_validated(errors, order, due, day=refunded_on, amount=amount,
                               method=method, bank_reference=bank_reference, note=note)
    errors.raise_if_any()
    refund = AdvanceRefund.objects.create(order=order, recorded_by=actor,
                                          recorded_at=clock.now(), **values)
    audit.record(actor, "settlement.advance_refunded", refund, data={
        "order": order.number, "amount": str(refund.amount), "method": refund.method,
        "refunded_on": refund.refunded_on.isoformat(),
        "bank_reference": refund.bank_reference, "still_to_refund": str(due - refund.amount)})
    tell(_price_readers(order.salesperson), order, kind="settlement.advance_refund",
         exclude=actor,
         params={"amount": money_text(refund.amount), "currency": order.currency},
         title=gettext_lazy("Order %(number)s: %(currency)s %(amount)s of the advance "
                            "payments was refunded to the customer"))
    return refund
