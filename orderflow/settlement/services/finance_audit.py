"""Finance's audit of the statement (P7.2.2) as the approval subject "statement".

Approved: the statement is audited, the payment schedule is built from the order's
payment terms, the customer's receivables rise by the statement total, the advance payments
received so far are applied to the schedule, and the worker renders the statement PDF.
Rejected ("returned with a reason"): the statement is kept as returned and the next
revision is drafted for Sales. Voided: back to draft.
"""

from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.approval.domain.subjects import SubjectKind, register_subject
from orderflow.approval.services.engine import void_request
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed
from orderflow.masterdata.models import Customer
from orderflow.orders.domain.lifecycle import State

from ..models import SettlementStatement, StatementStatus
from .advances import advances_apply
from .common import content_sha256, finance_members, statement_content, tell
from .schedule import schedule_build
from .statements import supersede

STATEMENT = "statement"


def _statement(subject_id: int) -> SettlementStatement:
    return SettlementStatement.objects.get(pk=subject_id)


def _facts(order, subject_id: int) -> dict:
    rating = (Customer.objects.filter(pk=order.customer_id)
              .values_list("credit_rating", flat=True).first())
    return {"amount": _statement(subject_id).total_gross, "major": False,
            "customer_rating": rating or "", "order_type": order.order_type}


def _owners_many(pairs) -> dict[int, frozenset[int]]:
    """The salesperson and whoever built the statement never audit it: one query for all."""
    built_by = dict(SettlementStatement.objects.filter(pk__in=[sid for _o, sid in pairs])
                    .values_list("pk", "created_by_id"))
    return {sid: frozenset(p for p in (order.salesperson_id, order.created_by_id,
                                       built_by.get(sid)) if p)
            for order, sid in pairs}


def _owners(order, subject_id: int) -> frozenset[int]:
    return _owners_many([(order, subject_id)])[subject_id]


def _content_hash(order, subject_id: int) -> str:
    statement = _statement(subject_id)
    latest = statement.reconciliations.order_by("-recorded_at", "-id").first()
    return content_sha256(statement_content(statement, latest))


def _check_in_audit(order, subject_id: int) -> None:
    status = (SettlementStatement.objects.filter(pk=subject_id)
              .values_list("status", flat=True).first())
    if order.status != State.IN_SETTLEMENT or status != StatementStatus.IN_AUDIT:
        raise TransitionNotAllowed(_("The settlement statement is not in Finance audit."))


def _approved(*, order, request, actor, on_behalf_of) -> None:
    statement = SettlementStatement.objects.select_for_update().get(pk=request.subject_id)
    statement.status, statement.audited_at = StatementStatus.AUDITED, clock.now()
    statement.save(update_fields=["status", "audited_at"])
    instalments = schedule_build(order, statement)
    # P7.2.2: the receivable exists from the audit; receipts bring it down.
    Customer.objects.filter(pk=order.customer_id).update(
        receivables_outstanding=F("receivables_outstanding") + statement.total_gross)
    audit.record(actor, "settlement.statement_audited", statement, on_behalf_of=on_behalf_of,
                 data={"order": order.number, "number": statement.number,
                       "total": str(statement.total_gross), "round": request.round,
                       "instalments": [[i.position, str(i.amount), i.due_date.isoformat()]
                                       for i in instalments]})
    # P7.1.1: the advances received so far pay the schedule (as receipts, which bring the
    # receivable down). Nothing can settle here: invoices are issued only after the
    # audit, and the invoice completing them settles the order (settle_if_complete).
    advances_apply(order=order, statement=statement, actor=actor, on_behalf_of=on_behalf_of)
    tell([order.salesperson, *finance_members()], order, kind="settlement.audited",
         exclude=actor, title=gettext_lazy("The settlement statement of order %(number)s "
                                           "is audited; invoices and collection follow"))
    transaction.on_commit(partial(_enqueue_render, statement.pk))


def _enqueue_render(statement_id: int) -> None:
    from ..tasks import render_statement_pdf

    render_statement_pdf.enqueue(statement_id=statement_id)


def _rejected(*, order, request, actor, reason, on_behalf_of) -> None:
    statement = SettlementStatement.objects.select_for_update().get(pk=request.subject_id)
    following = supersede(order, statement, order.salesperson, reason)
    audit.record(actor, "settlement.statement_returned", statement, on_behalf_of=on_behalf_of,
                 data={"order": order.number, "number": statement.number, "reason": reason,
                       "round": request.round, "next": following.number})
    tell([order.salesperson], order, kind="settlement.returned", body=reason, exclude=actor,
         title=gettext_lazy("Finance returned the settlement statement of order %(number)s"))


def _voided(*, order, request, actor, reason) -> None:
    void_request(request, reason=reason, now=clock.now())
    statement = SettlementStatement.objects.select_for_update().get(pk=request.subject_id)
    statement.status = StatementStatus.DRAFT
    statement.save(update_fields=["status"])
    audit.record(actor, "settlement.audit_voided", statement,
                 data={"order": order.number, "reason": reason, "round": request.round})


def _url(order, _subject_id: int) -> str:
    """Where Finance reads the statement and audits it (notifications, the inbox)."""
    return f"/orders/{order.pk}/settlement/"


def _amounts(pairs) -> dict:
    """{statement id: (total with tax, currency)}: what the audit is about, which differs
    from the order's total when Sales reduced quantities. One query for all."""
    rows = (SettlementStatement.objects.filter(pk__in=[sid for _order, sid in pairs])
            .values_list("pk", "total_gross", "currency"))
    return {pk: (total, currency) for pk, total, currency in rows}


register_subject(SubjectKind(kind=STATEMENT, facts=_facts, owner_ids=_owners,
                             content_hash=_content_hash, check_in_approval=_check_in_audit,
                             on_approved=_approved, on_rejected=_rejected,
                             on_voided=_voided, url=_url, amounts=_amounts,
                             owners_many=_owners_many))
