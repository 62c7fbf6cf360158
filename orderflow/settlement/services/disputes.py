"""Late payment and disputes (P7.2.3): Sales opens a dispute on an order in settlement,
logs the negotiation, escalates to legal action if it fails, and resolves or closes it.
An open dispute is shown prominently; it does not block settlement once all is paid."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import OrderOf, lock_order

from ..domain.money import money_text
from ..models import CHANNELS, Dispute, DisputeEntry, DisputeStatus, StatementStatus
from .common import (
    MAX_AMOUNT,
    MAX_TEXT,
    finance_members,
    live_statement,
    require_in_settlement,
    require_sales,
    tell,
)

OUTCOMES = [(DisputeStatus.RESOLVED, DisputeStatus.RESOLVED.label),
            (DisputeStatus.CLOSED, DisputeStatus.CLOSED.label)]


@transaction.atomic
def dispute_open(*, order_id: int, actor, reason, disputed_amount) -> Dispute:
    """Open a dispute about late payment or the amount (P7.2.3).

    Raises:
        NotFound, NotPermitted (not the Sales owner), TransitionNotAllowed (not in
        settlement), ValidationFailed (no reason; amount not positive or over the
        audited statement's total, else over the order's).
    """
    order = lock_order(order_id, actor)
    require_sales(actor, order)
    require_in_settlement(order)
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    amount = errors.decimal("disputed_amount", disputed_amount, positive=True,
                            max_value=MAX_AMOUNT)
    if amount is not None and "disputed_amount" not in errors.errors:
        _check_within_total(errors, order, amount)
    errors.raise_if_any()
    dispute = Dispute.objects.create(order=order, reason=reason, disputed_amount=amount,
                                     opened_by=actor, opened_at=clock.now())
    audit.record(actor, "settlement.dispute_opened", dispute, data={
        "order": order.number, "reason": reason, "amount": str(amount)})
    tell(finance_members(), order, kind="settlement.dispute", body=reason, exclude=actor,
         title=gettext_lazy("A dispute is open on order %(number)s"))
    return dispute


def _check_within_total(errors: Errors, order, amount: Decimal) -> None:
    """P7.2.3: at most what the customer owes in all: the audited statement's total, or
    the order's before the audit."""
    statement = live_statement(order)
    if statement is not None and statement.status == StatementStatus.AUDITED:
        if amount > statement.total_gross:
            errors.add("disputed_amount", _("The disputed amount cannot exceed the "
                                            "statement total (%(total)s).")
                       % {"total": money_text(statement.total_gross)})
    elif amount > order.total_gross:
        errors.add("disputed_amount", _("The disputed amount cannot exceed the order total "
                                        "(%(total)s).")
                   % {"total": money_text(order.total_gross)})


def _locked_active(dispute_id: int, actor):
    order = lock_order(OrderOf(Dispute.objects.filter(pk=dispute_id),
                               missing=_("Dispute not found.")), actor)
    require_sales(actor, order)
    if order.status == State.ARCHIVED:   # read-only, as its dossier keeps it (P9.1.1)
        raise TransitionNotAllowed(_("The order is archived; its disputes can no longer "
                                     "be changed."))
    dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
    if not dispute.is_active:
        raise TransitionNotAllowed(_("This dispute is closed."))
    return order, dispute


@transaction.atomic
def dispute_log(*, dispute_id: int, actor, happened_on, channel, summary,
                outcome="") -> DisputeEntry:
    """A negotiation step: date, how, what was said, what came of it (P7.2.3).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (closed), ValidationFailed.
    """
    order, dispute = _locked_active(dispute_id, actor)
    errors = Errors()
    values = {"happened_on": errors.date("happened_on", happened_on),
              "channel": errors.choice("channel", channel, CHANNELS),
              "summary": errors.text("summary", summary, required=True, max_length=MAX_TEXT),
              "outcome": errors.text("outcome", outcome, max_length=MAX_TEXT)}
    if values["happened_on"] and values["happened_on"] > clock.today():
        errors.add("happened_on", _("The date cannot be in the future."))
    errors.raise_if_any()
    entry = DisputeEntry.objects.create(dispute=dispute, recorded_by=actor,
                                        recorded_at=clock.now(), **values)
    audit.record(actor, "settlement.dispute_logged", dispute, data={
        "order": order.number, "entry": entry.pk, **values})
    return entry


@transaction.atomic
def dispute_escalate(*, dispute_id: int, actor, legal_status, case_number="",
                     lawyer="") -> Dispute:
    """Negotiation failed: legal action (P7.2.3); called again to update its status.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (closed), ValidationFailed.
    """
    order, dispute = _locked_active(dispute_id, actor)
    errors = Errors()
    values = {"legal_status": errors.text("legal_status", legal_status, required=True,
                                          max_length=200),
              "case_number": errors.text("case_number", case_number, max_length=64),
              "lawyer": errors.text("lawyer", lawyer, max_length=100)}
    errors.raise_if_any()
    first = dispute.status != DisputeStatus.LEGAL
    for field, value in values.items():
        setattr(dispute, field, value)
    dispute.status = DisputeStatus.LEGAL
    dispute.escalated_at = dispute.escalated_at or clock.now()
    dispute.save(update_fields=[*values, "status", "escalated_at"])
    audit.record(actor, "settlement.dispute_escalated" if first else
                 "settlement.dispute_legal_updated", dispute,
                 data={"order": order.number, **values})
    if first:
        tell(finance_members(), order, kind="settlement.legal", exclude=actor,
             title=gettext_lazy("The dispute on order %(number)s goes to legal action"))
    return dispute


@transaction.atomic
def dispute_close(*, dispute_id: int, actor, resolution, outcome="resolved") -> Dispute:
    """Resolve or close a dispute with its resolution (P7.2.3).

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (closed), ValidationFailed.
    """
    order, dispute = _locked_active(dispute_id, actor)
    errors = Errors()
    resolution = errors.text("resolution", resolution, required=True, max_length=MAX_TEXT)
    outcome = errors.choice("outcome", outcome, OUTCOMES)
    errors.raise_if_any()
    dispute.status, dispute.resolution, dispute.closed_at = outcome, resolution, clock.now()
    dispute.save(update_fields=["status", "resolution", "closed_at"])
    audit.record(actor, "settlement.dispute_closed", dispute, data={
        "order": order.number, "outcome": outcome, "resolution": resolution})
    return dispute
