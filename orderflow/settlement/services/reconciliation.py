"""Reconciliation with the customer (P7.1.2) and submitting the statement to Finance's
audit (P7.2.2) through the approval engine."""

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.approval.services import approval_start
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict
from orderflow.core.validation import Errors

from ..domain.money import money_text
from ..models import CHANNELS, PaymentMethod, Reconciliation, SettlementStatement, StatementStatus
from .common import MAX_AMOUNT, MAX_TEXT, content_sha256, statement_content
from .statements import locked_draft


def _validated(errors: Errors, statement, *, channel, contact_name, confirmed_on,
               confirmed_amount, payment_method, note) -> dict:
    values = {
        "channel": errors.choice("channel", channel, CHANNELS),
        "contact_name": errors.text("contact_name", contact_name, required=True,
                                    max_length=64),
        "confirmed_on": errors.date("confirmed_on", confirmed_on),
        "confirmed_amount": errors.decimal("confirmed_amount", confirmed_amount,
                                           min_value=0, max_value=MAX_AMOUNT),
        "payment_method": errors.choice("payment_method", payment_method,
                                        PaymentMethod.choices),
        "note": errors.text("note", note, max_length=MAX_TEXT),
    }
    if values["confirmed_on"] and values["confirmed_on"] > clock.today():
        errors.add("confirmed_on", _("The date cannot be in the future."))
    amount = values["confirmed_amount"]
    if amount is not None and "confirmed_amount" not in errors.errors \
            and amount != statement.total_gross:
        errors.add("confirmed_amount", _("The customer must confirm the statement total "
                                         "(%(total)s); correct the statement first if they "
                                         "do not agree.")
                   % {"total": money_text(statement.total_gross)})
    return values


@transaction.atomic
def reconciliation_record(*, statement_id: int, actor, channel, contact_name, confirmed_on,
                          confirmed_amount, payment_method, note="") -> Reconciliation:
    """Sales records that the customer confirmed the amount and the payment method
    (P7.1.2): who, when, how. Required before the audit.

    Raises:
        NotFound, NotPermitted (not the Sales owner), TransitionNotAllowed (not a draft),
        ValidationFailed (amount other than the statement total, future date, ...).
    """
    order, statement = locked_draft(statement_id, actor)
    errors = Errors()
    values = _validated(errors, statement, channel=channel, contact_name=contact_name,
                        confirmed_on=confirmed_on, confirmed_amount=confirmed_amount,
                        payment_method=payment_method, note=note)
    errors.raise_if_any()
    reconciliation = Reconciliation.objects.create(statement=statement, recorded_by=actor,
                                                   recorded_at=clock.now(), **values)
    audit.record(actor, "settlement.reconciled", statement, data={
        "order": order.number, **values})
    return reconciliation


def valid_reconciliation(statement: SettlementStatement) -> Reconciliation | None:
    """The newest reconciliation, if it confirms the statement's current total."""
    latest = statement.reconciliations.order_by("-recorded_at", "-id").first()
    if latest is None or latest.confirmed_amount != statement.total_gross:
        return None
    return latest


@transaction.atomic
def statement_submit(*, statement_id: int, actor) -> SettlementStatement:
    """Sales submits the reconciled statement to Finance's audit (P7.2.2): an approval
    round of the "statement" chain, bound to the statement's content.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (not a draft), Conflict (nothing
        to settle, not reconciled at the current total, no approver).
    """
    order, statement = locked_draft(statement_id, actor)
    if statement.total_gross <= 0:
        raise Conflict(_("The statement settles nothing; it cannot be audited."))
    reconciliation = valid_reconciliation(statement)
    if reconciliation is None:
        raise Conflict(_("Record the customer's confirmation of the current total first "
                         "(P7.1.2)."))
    statement.content_hash = content_sha256(statement_content(statement, reconciliation))
    statement.status, statement.submitted_at = StatementStatus.IN_AUDIT, clock.now()
    statement.save(update_fields=["content_hash", "status", "submitted_at"])
    audit.record(actor, "settlement.statement_submitted", statement, data={
        "order": order.number, "number": statement.number,
        "total": str(statement.total_gross), "content_hash": statement.content_hash})
    approval_start(order=order, actor=actor, subject_kind="statement",
                   subject_id=statement.pk)
    return statement
