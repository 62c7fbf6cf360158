"""The preliminary check (P2.3.1) and what follows it (P2.3.2)."""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Role
from orderflow.accounts.selectors import users_with
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.core.permissions import require
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import apply_transition, lock_order, register_action

from ..domain.check import LineFacts, OrderFacts, Outcome, Severity, run_check
from ..models import (
    CheckReport,
    CommunicationChannel,
    CustomerCommunication,
    Escalation,
    EscalationDecision,
)

# P2.3.2: Sales completes or confirms the order with the customer before it is checked.
COMMUNICATION_STATES = frozenset({State.DRAFT, State.AWAITING_CUSTOMER})

_OUTCOME_STATE = {Outcome.PASSED: State.CHECKED, Outcome.INCOMPLETE: State.AWAITING_CUSTOMER,
                  Outcome.ESCALATED: State.ESCALATED}


def order_facts(order: Order) -> OrderFacts:
    lines = order.lines.select_related("product")
    customer = order.customer
    instalments = list(order.instalments.all())
    return OrderFacts(
        today=clock.today(), order_date=order.order_date, delivery_date=order.delivery_date,
        delivery_place=order.delivery_place, contact_name=order.contact_name,
        contact_phone=order.contact_phone,
        instalment_percent_total=sum((p.percent for p in instalments), start=0),
        instalment_count=len(instalments), total_gross=order.total_gross,
        customer_active=customer.is_active, credit_rating=customer.credit_rating,
        credit_limit=customer.credit_limit,
        receivables_outstanding=customer.receivables_outstanding,
        lines=tuple(LineFacts(ln.position, ln.product.code, ln.product.is_active, ln.quantity,
                              ln.unit_price, ln.product.standard_price, ln.product.min_lead_days)
                    for ln in lines))


@register_action("check")
@transaction.atomic
def order_check(*, order_id: int, actor, **_ignored) -> Order:
    """Run the check, keep its report, and move the order by its outcome.

    Passed -> checked; missing or doubtful -> awaiting customer (P2.3.2);
    poor credit or an over-tight date -> escalated to management (P2.3.2).
    """
    order = lock_order(order_id, actor)
    outcome, findings = run_check(order_facts(order),
                                  frozenset(order.acknowledged_findings or []))
    report = CheckReport(order=order, run_by=actor, run_at=clock.now(), outcome=outcome,
                         findings=[f.as_dict() for f in findings])
    apply_transition(order, "check", actor, target=_OUTCOME_STATE[outcome],
                     data={"outcome": str(outcome),
                           "findings": [f.code for f in findings if f.severity != Severity.OK]})
    report.save(force_insert=True)
    if outcome == Outcome.ESCALATED:
        reasons = [f.code for f in findings if f.severity == Severity.RISK]
        Escalation.objects.create(order=order, check_report=report, reasons=reasons,
                                  raised_by=actor, raised_at=report.run_at)
        deciders = users_with(roles=[Role.DIVISION_LEADER, Role.GENERAL_MANAGER])
        transaction.on_commit(partial(
            notify, recipients=list(deciders), kind="order.escalated",
            title=gettext_lazy("Order %(number)s needs a management decision"),
            params={"number": order.number},
            url=f"/orders/{order.pk}/"))
    return order


def _decide(order_id, actor, *, accept: bool, reason: str) -> Order:
    order = lock_order(order_id, actor)
    action = "accept_escalation" if accept else "decline_escalation"
    apply_transition(order, action, actor, reason=reason)
    escalation = (Escalation.objects.select_for_update()
                  .filter(order=order, decision=EscalationDecision.PENDING).first())
    if escalation is None:
        raise TransitionNotAllowed(_("There is no pending escalation for this order."))
    escalation.decision = EscalationDecision.ACCEPTED if accept else EscalationDecision.DECLINED
    escalation.decided_by, escalation.decided_at = actor, clock.now()
    escalation.decision_reason = reason.strip()
    escalation.save(update_fields=["decision", "decided_by", "decided_at", "decision_reason"])
    transaction.on_commit(partial(
        notify, recipients=[order.salesperson], kind=f"order.{action}",
        title=(gettext_lazy("Management accepted order %(number)s") if accept else
               gettext_lazy("Management declined order %(number)s")),
        params={"number": order.number},
        body=reason, url=f"/orders/{order.pk}/"))
    return order


@transaction.atomic
def escalation_decide(*, order_id: int, actor, accept: bool, reason: str = "") -> Order:
    """A division leader or general manager accepts or declines (P2.3.2), with a reason."""
    return _decide(order_id, actor, accept=accept, reason=reason)


register_action("accept_escalation")(
    partial(escalation_decide, accept=True))
register_action("decline_escalation")(
    partial(escalation_decide, accept=False))


@transaction.atomic
def communication_log(*, order_id: int, actor, channel: str, summary: str,
                      confirmed_findings: list[str] | tuple = ()) -> CustomerCommunication:
    """Record contact with the customer (P2.3.2); confirmed doubtful findings stop blocking.

    Raises:
        NotFound, NotPermitted, ValidationFailed.
    """
    order = lock_order(order_id, actor)
    require(actor, "intake.log_communication", order)
    if order.status not in COMMUNICATION_STATES:
        raise TransitionNotAllowed(_("Customer communication is logged while the order is a "
                                     "draft or awaiting the customer."))
    errors = Errors()
    errors.choice("channel", channel, CommunicationChannel.choices)
    summary = errors.text("summary", summary, required=True, max_length=5000)
    confirmed = sorted({str(c) for c in confirmed_findings or []})
    known = _doubtful_keys(order)
    for key in confirmed:
        if key not in known:
            errors.add("confirmed_findings", _("Not a doubtful finding of this order: %(k)s")
                       % {"k": key})
    errors.raise_if_any()
    entry = CustomerCommunication.objects.create(order=order, author=actor, at=clock.now(),
                                                 channel=channel, summary=summary,
                                                 confirmed_findings=confirmed)
    if confirmed:
        order.acknowledged_findings = sorted(set(order.acknowledged_findings or []) |
                                             set(confirmed))
        order.save(update_fields=["acknowledged_findings"])
    audit.record(actor, "order.customer_contacted", order,
                 data={"channel": channel, "summary": summary, "confirmed": confirmed})
    return entry


def _doubtful_keys(order: Order) -> set[str]:
    from ..domain.check import Finding, finding_key

    report = order.check_reports.order_by("-run_at", "-id").first()
    if report is None:
        return set()
    return {finding_key(Finding(f["code"], Severity(f["severity"]), f["field"]))
            for f in report.findings if f["severity"] == Severity.DOUBTFUL}

