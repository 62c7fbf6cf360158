"""Query requests for archived orders (P9.2.1): filed by someone who cannot see the
order, decided by their department head through the approval engine (the subject
"archive_query"); approval grants read-only access to the dossier until it expires."""

import datetime as dt
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.approval.domain.subjects import SubjectKind, register_subject
from orderflow.approval.models import ApprovalRequest, ApprovalTask, RequestStatus, TaskStatus
from orderflow.approval.services import approval_start, task_approve, task_reject
from orderflow.approval.services.engine import void_request
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotFound, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q

from ..domain.dossier import grant_end, sha256_hex
from ..models import Dossier, QueryRequest, QueryStatus
from ..permissions import QUERY_SUBJECT, archive_settings

MAX_PURPOSE = 2000


def _query(subject_id: int) -> QueryRequest:
    return QueryRequest.objects.select_related("requester__department").get(pk=subject_id)


def _facts(order: Order, _subject_id: int) -> dict:
    return {"amount": order.total_gross, "major": False, "customer_rating": "",
            "order_type": order.order_type}


def _content_hash(order: Order, subject_id: int) -> str:
    query = _query(subject_id)
    return sha256_hex(json.dumps([order.pk, query.requester_id, query.purpose,
                                  query.wanted_until.isoformat()]).encode())


def _expired(query: QueryRequest) -> bool:
    """The last day the requester asked for has passed: approving would grant nothing."""
    return query.wanted_until < clock.today()


def _check_pending(order: Order, subject_id: int) -> None:
    query = _query(subject_id)
    if query.status != QueryStatus.PENDING:
        raise TransitionNotAllowed(_("This query request is no longer waiting for a "
                                     "decision."))
    if _expired(query):
        raise TransitionNotAllowed(
            _("This query request asked for access until %(date)s, which has passed: it "
              "can no longer be decided. The requester must file a new request.")
            % {"date": query.wanted_until.isoformat()})


def _tell_requester(query: QueryRequest, title, body: str = "") -> None:
    notify(recipients=[query.requester], kind="archive.query", title=title,
           params={"number": query.order.number}, body=body, url="/archive/requests/")


def _granted_until(query: QueryRequest) -> dt.datetime:
    """The end (exclusive) of the last day granted, in the company's time zone."""
    last = grant_end(wanted_until=query.wanted_until, today=clock.today(),
                     max_days=archive_settings().max_grant_days)
    start = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(start)


def _approved(*, order, request, actor, on_behalf_of) -> None:
    query = _query(request.subject_id)
    query.order = order
    query.status, query.decided_at, query.decided_by = QueryStatus.APPROVED, clock.now(), actor
    query.granted_until = _granted_until(query)
    query.save(update_fields=["status", "decided_at", "decided_by", "granted_until"])
    audit.record(actor, "archive.query_approved", query, on_behalf_of=on_behalf_of,
                 data={"order": order.number, "granted_until": query.granted_until})
    _tell_requester(query, gettext_lazy("Your query of archived order %(number)s is "
                                        "approved"))


def _rejected(*, order, request, actor, reason, on_behalf_of) -> None:
    query = _query(request.subject_id)
    query.order = order
    query.status, query.decided_at, query.decided_by = QueryStatus.DECLINED, clock.now(), actor
    query.decline_reason = reason
    query.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    audit.record(actor, "archive.query_declined", query, on_behalf_of=on_behalf_of,
                 data={"order": order.number, "reason": reason})
    _tell_requester(query, gettext_lazy("Your query of archived order %(number)s is "
                                        "declined"), body=reason)


def _voided(*, order, request, actor, reason) -> None:
    void_request(request, reason=reason, now=clock.now())
    query = QueryRequest.objects.select_for_update().get(pk=request.subject_id)
    query.status = QueryStatus.VOIDED
    query.save(update_fields=["status"])
    audit.record(actor, "archive.query_voided", query,
                 data={"order": order.number, "reason": reason, "round": request.round})


def _owners_many(pairs) -> dict[int, frozenset[int]]:
    """The requester never decides their own query: one query for all."""
    requesters = dict(QueryRequest.objects.filter(pk__in=[sid for _o, sid in pairs])
                      .values_list("pk", "requester_id"))
    return {sid: frozenset({requesters[sid]}) for _o, sid in pairs if sid in requesters}


def _owners(_order: Order, subject_id: int) -> frozenset[int]:
    return _owners_many([(_order, subject_id)]).get(subject_id, frozenset())


def _url(_order: Order, subject_id: int) -> str:
    """The decider's list of requests waiting for them, at this one: the archived order's
    own page is not theirs to open."""
    return f"/archive/requests/#query-{subject_id}"


# No amount: the decider reads the purpose, not the order's value (amounts=None).
register_subject(SubjectKind(
    kind=QUERY_SUBJECT, facts=_facts, owner_ids=_owners,
    content_hash=_content_hash, check_in_approval=_check_pending, on_approved=_approved,
    on_rejected=_rejected, on_voided=_voided,
    owner_department=lambda o, sid: _query(sid).requester.dept_code, url=_url,
    owners_many=_owners_many))


def _validated(actor, order_number, purpose, wanted_until) -> tuple[Dossier, str, dt.date]:
    errors = Errors()
    number = errors.text("order_number", order_number, required=True, max_length=20).upper()
    purpose = errors.text("purpose", purpose, required=True, max_length=MAX_PURPOSE)
    until = errors.date("wanted_until", wanted_until)
    dossier = Dossier.objects.filter(order_number=number).first() if number else None
    if number and dossier is None:
        errors.add("order_number", _("No archived order has this number."))
    max_days, today = archive_settings().max_grant_days, clock.today()
    if until is not None and until < today:
        errors.add("wanted_until", _("The date must not be in the past."))
    elif until is not None and until > today + dt.timedelta(days=max_days):
        errors.add("wanted_until", _("At most %(n)s days from today.") % {"n": max_days})
    errors.raise_if_any()
    return dossier, purpose, until


def query_expire_sweep(*, limit: int = 500) -> int:
    """Void the query requests whose period passed before anyone decided them (the
    worker, nightly): they leave the deciders' waiting lists, and the requester is told.
    Each in its own transaction under the order's lock; returns how many were voided."""
    ids = list(QueryRequest.objects.filter(status=QueryStatus.PENDING,
                                           wanted_until__lt=clock.today())
               .order_by("id").values_list("pk", "order_id")[:limit])
    return sum(_expire_one(query_id, order_id) for query_id, order_id in ids)


@transaction.atomic
def _expire_one(query_id: int, order_id: int) -> bool:
    order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
    query = QueryRequest.objects.filter(pk=query_id, status=QueryStatus.PENDING,
                                        wanted_until__lt=clock.today()).first()
    if query is None:           # decided or voided meanwhile
        return False
    for request in ApprovalRequest.objects.filter(
            subject_kind=QUERY_SUBJECT, subject_id=query.pk,
            status=RequestStatus.IN_PROGRESS).order_by("id"):
        _voided(order=order, request=request, actor=None,
                reason=_("The period asked for has passed undecided."))
    _tell_requester(query, gettext_lazy("Your query of archived order %(number)s expired "
                                        "undecided; file a new one if you still need it"))
    return True


def _void_expired(order: Order, actor) -> None:
    """Void the actor's requests for the locked order whose period passed undecided (no
    one may decide them any more): they make way for a new one."""
    expired = QueryRequest.objects.filter(order=order, requester=actor,
                                          status=QueryStatus.PENDING,
                                          wanted_until__lt=clock.today())
    for request in ApprovalRequest.objects.filter(
            subject_kind=QUERY_SUBJECT, status=RequestStatus.IN_PROGRESS,
            subject_id__in=expired.values("pk")).order_by("id"):
        _voided(order=order, request=request, actor=actor,
                reason=_("The period asked for has passed undecided."))


@transaction.atomic
def query_request_file(*, actor, order_number: str, purpose: str,
                       wanted_until) -> QueryRequest:
    """File a query of an archived order (P9.2.1); the requester's department head decides.

    Raises:
        ValidationFailed (unknown number, no purpose, bad period), Conflict (the order is
        already visible to the requester; a request of theirs is already waiting),
        Conflict from the engine (no one to approve).
    """
    dossier, purpose, until = _validated(actor, order_number, purpose, wanted_until)
    # The requester cannot see the order: lock it without the visibility check.
    order = Order.objects.select_for_update(of=("self",)).get(pk=dossier.order_id)
    if Order.objects.filter(visibility_q(actor), pk=order.pk).exists():
        raise Conflict(_("You may already see this order; no request is needed."))
    _void_expired(order, actor)
    if QueryRequest.objects.filter(order=order, requester=actor,
                                   status=QueryStatus.PENDING).exists():
        raise Conflict(_("You already have a request for this order waiting for a decision."))
    query = QueryRequest.objects.create(order=order, dossier=dossier, requester=actor,
                                        purpose=purpose, wanted_until=until,
                                        created_at=clock.now())
    audit.record(actor, "archive.query_filed", query, data={
        "order": order.number, "purpose": purpose, "wanted_until": until})
    approval_start(order=order, actor=actor, subject_kind=QUERY_SUBJECT, subject_id=query.pk)
    return query


def _my_task(query_id: int, actor) -> int:
    """The id of the waiting task of the query that the actor holds (or stands in for)."""
    from orderflow.accounts.selectors import delegators_of

    holders = [actor.pk, *delegators_of(actor, on=clock.today())]
    task_id = (ApprovalTask.objects.filter(
        request__subject_kind=QUERY_SUBJECT, request__subject_id=query_id,
        request__status=RequestStatus.IN_PROGRESS, status=TaskStatus.PENDING,
        assignee_id__in=holders).order_by("id").values_list("id", flat=True).first())
    if task_id is None:
        raise NotFound(_("No query request waits for your decision here."))
    return task_id


def query_approve(*, query_id: int, actor, comment: str = "") -> QueryRequest:
    """Approve a query request waiting for the actor (through the approval engine)."""
    task_approve(task_id=_my_task(query_id, actor), actor=actor, comment=comment)
    return QueryRequest.objects.get(pk=query_id)


def query_decline(*, query_id: int, actor, reason: str = "") -> QueryRequest:
    """Decline a query request with a reason (through the approval engine).

    Raises:
        NotFound (nothing waits for the actor), ValidationFailed (no reason).
    """
    task_reject(task_id=_my_task(query_id, actor), actor=actor, reason=reason)
    return QueryRequest.objects.get(pk=query_id)
