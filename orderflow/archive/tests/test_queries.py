"""Query requests (P9.2.1): filed by who cannot see an archived order, decided by their
department head through the approval engine; a grant until it expires; the access log."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from orderflow.approval.models import ApprovalRequest, ApprovalTask, TaskStatus
from orderflow.archive.models import AccessLog, QueryRequest, QueryStatus
from orderflow.archive.selectors import documents_for, queries_waiting_for
from orderflow.archive.services import (
    document_open,
    dossier_open,
    query_approve,
    query_decline,
    query_request_file,
)
from orderflow.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from orderflow.orders.selectors import order_detail

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def file(order, actor, days=10, purpose="质量追溯：客户投诉同型号产品"):
    return query_request_file(actor=actor, order_number=order.number, purpose=purpose,
                              wanted_until=(NOW + dt.timedelta(days=days)).date())


def test_production_no_longer_sees_an_archived_order(people, archived):
    with pytest.raises(NotFound):
        order_detail(people["production"], archived.pk)
    with pytest.raises(NotFound):
        dossier_open(actor=people["production"], order_id=archived.pk)


def test_query_is_decided_by_the_requester_s_head_and_grants_until_expiry(
        clock, people, archived):
    production, head = people["production"], people["production_head"]
    # When a member of Production files a query
    query = file(archived, production, days=10)
    assert query.status == QueryStatus.PENDING
    request = ApprovalRequest.objects.get(subject_kind="archive_query", subject_id=query.pk)
    task = ApprovalTask.objects.get(request=request)
    # Then their own department head holds the decision (and sees the order meanwhile)
    assert task.assignee == head
    assert queries_waiting_for(head) == [query]
    assert order_detail(head, archived.pk).pk == archived.pk
    # When the head approves
    query = query_approve(query_id=query.pk, actor=head)
    assert (query.status, query.decided_by) == (QueryStatus.APPROVED, head)
    assert query.granted_until == timezone.make_aware(dt.datetime(2026, 12, 18))
    # Then the requester reads the dossier (logged), not the live order; the head no
    # longer sees either
    dossier = dossier_open(actor=production, order_id=archived.pk)
    with pytest.raises(NotFound):
        order_detail(production, archived.pk)
    with pytest.raises(NotFound):
        order_detail(head, archived.pk)
    # ... every view logged, with the grant it went through
    log = AccessLog.objects.get(user=production)
    assert (log.action, log.dossier, log.via_query_id, log.document) == (
        "view", dossier, query.pk, None)
    # And after expiry the order is invisible again (404)
    clock.move_to(query.granted_until + dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        order_detail(production, archived.pk)
    with pytest.raises(NotFound):
        dossier_open(actor=production, order_id=archived.pk)


def test_a_head_s_query_goes_to_the_division_leader(clock, people, archived):
    query = file(archived, people["production_head"])
    task = ApprovalTask.objects.get(request__subject_kind="archive_query",
                                    request__subject_id=query.pk)
    assert task.assignee == people["leader"]
    with pytest.raises(NotFound):  # nothing waits for the requester themselves
        query_approve(query_id=query.pk, actor=people["production_head"])
    query_approve(query_id=query.pk, actor=people["leader"])
    assert dossier_open(actor=people["production_head"], order_id=archived.pk).order_id == \
        archived.pk


def test_decline_with_a_reason(clock, people, archived):
    query = file(archived, people["production"])
    with pytest.raises(ValidationFailed) as exc:
        query_decline(query_id=query.pk, actor=people["production_head"], reason="  ")
    assert set(exc.value.errors) == {"reason"}
    query = query_decline(query_id=query.pk, actor=people["production_head"],
                          reason="与本部门工作无关")
    assert (query.status, query.decline_reason) == (QueryStatus.DECLINED, "与本部门工作无关")
    with pytest.raises(NotFound):
        order_detail(people["production"], archived.pk)
    assert not ApprovalTask.objects.filter(status=TaskStatus.PENDING).exists()


def test_another_head_cannot_decide(clock, people, archived):
    query = file(archived, people["production"])
    with pytest.raises(NotFound):
        query_approve(query_id=query.pk, actor=people["archive_head"])
    assert QueryRequest.objects.get(pk=query.pk).status == QueryStatus.PENDING


@pytest.mark.parametrize(("field", "values"), [
    ("order_number", {"order_number": "SO-1999-000001"}),
    ("purpose", {"purpose": ""}),
    ("wanted_until", {"wanted_until": "2026-12-01"}),
    ("wanted_until", {"wanted_until": "2027-02-01"}),
    ("wanted_until", {"wanted_until": "not a date"}),
])
def test_bad_input_is_422_and_writes_nothing(clock, people, archived, field, values):
    data = {"order_number": archived.number, "purpose": "查询", "wanted_until": "2026-12-20",
            **values}
    with pytest.raises(ValidationFailed) as exc:
        query_request_file(actor=people["production"], **data)
    assert field in exc.value.errors
    assert not QueryRequest.objects.exists() and not ApprovalRequest.objects.filter(
        subject_kind="archive_query").exists()


def test_who_sees_the_order_needs_no_request(clock, people, archived):
    with pytest.raises(Conflict):
        file(archived, people["archive"])
    file(archived, people["production"])
    with pytest.raises(Conflict):  # one waiting request at a time
        file(archived, people["production"])
    assert QueryRequest.objects.count() == 1


def test_a_grantee_without_price_rights_gets_no_priced_documents(clock, people, archived):
    production = people["production"]
    query_approve(query_id=file(archived, production).pk, actor=people["production_head"])
    dossier = dossier_open(actor=production, order_id=archived.pk)
    documents = documents_for(production, dossier)
    priced = [d for d in documents if d.holds_prices]
    assert priced and all(d.withheld for d in priced)
    with pytest.raises(NotPermitted):
        document_open(actor=production, document_id=priced[0].pk)
    assert not AccessLog.objects.filter(action="download").exists()
    # the owner may (P9.2.2: Sales sees prices); no grant is involved
    document = document_open(actor=people["owner"], document_id=priced[0].pk)
    log = AccessLog.objects.get(action="download")
    assert (log.user, log.document, log.via_query) == (people["owner"], document, None)
