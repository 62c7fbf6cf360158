"""Query requests (P9.2.1) the approval engine voids, and requests whose wanted period has
passed before the head decided: nothing is granted, the requester files anew."""

import datetime as dt

import pytest
import time_machine

from orderflow.approval.models import ApprovalRequest, ApprovalTask, RequestStatus, TaskStatus
from orderflow.archive.models import QueryRequest, QueryStatus
from orderflow.archive.services import (
    dossier_open,
    query_approve,
    query_decline,
    query_request_file,
)
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, TransitionNotAllowed

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def file(order, actor, days=2):
    return query_request_file(actor=actor, order_number=order.number, purpose="质量追溯",
                              wanted_until=(NOW + dt.timedelta(days=days)).date())


def _round(query) -> ApprovalRequest:
    return ApprovalRequest.objects.get(subject_kind="archive_query", subject_id=query.pk)


def test_a_voided_query_voids_its_round_and_is_audited(clock, people, archived):
    # Given a request whose content no longer matches what its round is bound to
    query = file(archived, people["production"])
    QueryRequest.objects.filter(pk=query.pk).update(purpose="了解客户价格")
    # When the head approves, the engine voids it instead
    query = query_approve(query_id=query.pk, actor=people["production_head"])
    # Then the request, its round and its task are void, and the audit log says so
    assert query.status == QueryStatus.VOIDED and query.granted_until is None
    assert _round(query).status == RequestStatus.VOIDED
    assert ApprovalTask.objects.get(request=_round(query)).status == TaskStatus.VOIDED
    event = AuditEvent.objects.get(action="archive.query_voided")
    assert (event.object_id, event.data["order"], event.data["round"]) == (
        str(query.pk), archived.number, 1)
    assert event.data["reason"] == "The content differs from the content approved."
    with pytest.raises(NotFound):
        dossier_open(actor=people["production"], order_id=archived.pk)


def test_deciding_after_the_wanted_date_is_refused_and_a_new_request_may_be_filed(
        clock, people, archived):
    production, head = people["production"], people["production_head"]
    # Given a request for access until 9 Dec, still undecided on 10 Dec
    query = file(archived, production, days=2)
    clock.move_to(NOW + dt.timedelta(days=3))
    events = AuditEvent.objects.count()
    # When the head approves (or declines): 409 telling to file a new request
    with pytest.raises(TransitionNotAllowed) as exc:
        query_approve(query_id=query.pk, actor=head)
    assert str(exc.value.message) == (
        "This query request asked for access until 2026-12-09, which has passed: it can no "
        "longer be decided. The requester must file a new request.")
    with pytest.raises(TransitionNotAllowed):
        query_decline(query_id=query.pk, actor=head, reason="太晚了")
    # Then nothing is granted and nothing changed
    query.refresh_from_db()
    assert (query.status, query.granted_until, query.decided_by) == (
        QueryStatus.PENDING, None, None)
    assert AuditEvent.objects.count() == events
    with pytest.raises(NotFound):
        dossier_open(actor=production, order_id=archived.pk)
    # And the requester may file a new request: the expired one is voided
    again = file(archived, production, days=5)
    query.refresh_from_db()
    assert (query.status, _round(query).status) == (QueryStatus.VOIDED, RequestStatus.VOIDED)
    assert AuditEvent.objects.filter(action="archive.query_voided",
                                     object_id=str(query.pk)).exists()
    assert query_approve(query_id=again.pk, actor=head).status == QueryStatus.APPROVED
    assert dossier_open(actor=production, order_id=archived.pk).order_id == archived.pk


def test_the_last_wanted_day_may_still_be_approved(clock, people, archived):
    query = file(archived, people["production"], days=2)
    clock.move_to(NOW + dt.timedelta(days=2))
    query = query_approve(query_id=query.pk, actor=people["production_head"])
    assert query.status == QueryStatus.APPROVED


def test_the_nightly_sweep_voids_requests_whose_period_passed_undecided(clock, people,
                                                                        archived):
    from orderflow.archive.services.queries import query_expire_sweep
    from orderflow.notifications.models import Notification

    # Given two requests: one for 2 days, one for 10, neither decided
    short, long = file(archived, people["production"]), file(archived, people["finance"], 10)
    assert query_expire_sweep() == 0                       # nothing has passed yet
    # When the nightly sweep runs after the first one's date
    clock.move_to(NOW + dt.timedelta(days=3))
    assert query_expire_sweep() == 1
    # Then it is void, its round and task too, the requester is told; the other waits
    short.refresh_from_db()
    assert short.status == QueryStatus.VOIDED
    assert ApprovalTask.objects.get(request=_round(short)).status == TaskStatus.VOIDED
    assert QueryRequest.objects.get(pk=long.pk).status == QueryStatus.PENDING
    assert Notification.objects.filter(recipient=people["production"],
                                       kind="archive.query").count() == 1
    assert query_expire_sweep() == 0                       # once only
