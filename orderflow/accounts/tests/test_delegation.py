"""Delegation (P4.1): a user names a deputy for a date range; the deputy acts "for" them;
pending items follow the delegation while it runs and return when it ends."""

import datetime as dt

import pytest
import time_machine

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.accounts.services import delegation_create, delegation_revoke
from orderflow.approval.models import ApprovalTask, TaskStatus
from orderflow.approval.selectors import approval_inbox
from orderflow.approval.services import task_approve
from orderflow.approval.tests.conftest import in_approval, pending, start
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.notifications.models import Notification
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)
D = dt.date(2025, 3, 3)


def days(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def clerk(db):
    return make_user(Dept.SALES, Role.STAFF, username="clerk", full_name="周敏")


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin")


def test_a_user_names_a_deputy(sales_head, clerk):
    delegation = delegation_create(actor=sales_head, deputy_id=clerk.pk, starts_on="2025-03-03",
                                   ends_on=days(4), reason=" 出差 ")
    assert (delegation.principal, delegation.deputy, delegation.starts_on, delegation.ends_on,
            delegation.reason, delegation.created_by) == (sales_head, clerk, D, days(4),
                                                          "出差", sales_head)
    event = AuditEvent.objects.get(action="delegation.created")
    assert (event.actor, event.on_behalf_of, event.data["deputy"]) == (sales_head, None,
                                                                       clerk.pk)
    assert Notification.objects.get(recipient=clerk).kind == "delegation.created"


def test_a_system_admin_names_a_deputy_for_someone(admin, sales_head, clerk):
    delegation = delegation_create(actor=admin, principal_id=sales_head.pk,
                                   deputy_id=clerk.pk, starts_on=D, ends_on=D)
    assert (delegation.principal, delegation.created_by) == (sales_head, admin)
    assert AuditEvent.objects.get(action="delegation.created").on_behalf_of == sales_head


def test_only_the_principal_or_an_admin_delegates(salesperson, sales_head, clerk):
    with pytest.raises(NotPermitted):
        delegation_create(actor=salesperson, principal_id=sales_head.pk, deputy_id=clerk.pk,
                          starts_on=D, ends_on=D)
    assert not Delegation.objects.exists()


@pytest.mark.parametrize(("fields", "errors"), [
    ({"deputy_id": None}, {"deputy_id"}),
    ({"deputy_id": 999999}, {"deputy_id"}),
    ({"deputy_id": "abc"}, {"deputy_id"}),
    ({"deputy_id": "self"}, {"deputy_id"}),
    ({"deputy_id": "inactive"}, {"deputy_id"}),
    ({"starts_on": "2025-13-01"}, {"starts_on"}),
    ({"starts_on": None, "ends_on": None}, {"starts_on", "ends_on"}),
    ({"starts_on": days(3), "ends_on": days(2)}, {"ends_on"}),
    ({"starts_on": days(-5), "ends_on": days(-1)}, {"ends_on"}),
    ({"reason": "长" * 201}, {"reason"}),
])
def test_delegations_are_validated(fields, errors, sales_head, clerk):
    values = {"deputy_id": clerk.pk, "starts_on": D, "ends_on": days(2), **fields}
    if values["deputy_id"] == "self":
        values["deputy_id"] = sales_head.pk
    if values["deputy_id"] == "inactive":
        values["deputy_id"] = make_user(Dept.SALES, Role.STAFF, username="gone",
                                        is_active=False).pk
    with pytest.raises(ValidationFailed) as exc:
        delegation_create(actor=sales_head, **values)
    assert set(exc.value.errors) == errors
    assert not Delegation.objects.exists()
    assert not AuditEvent.objects.filter(action="delegation.created").exists()


def test_no_two_deputies_for_the_same_days(sales_head, clerk):
    other = make_user(Dept.SALES, Role.STAFF, username="other")
    delegation_create(actor=sales_head, deputy_id=clerk.pk, starts_on=D, ends_on=days(4))
    with pytest.raises(ValidationFailed) as exc:
        delegation_create(actor=sales_head, deputy_id=other.pk, starts_on=days(4),
                          ends_on=days(6))
    assert set(exc.value.errors) == {"starts_on"}
    # adjacent is fine, and so is overlapping a revoked one
    delegation_create(actor=sales_head, deputy_id=other.pk, starts_on=days(5), ends_on=days(6))
    first = Delegation.objects.get(deputy=clerk)
    delegation_revoke(actor=sales_head, delegation_id=first.pk)
    delegation_create(actor=sales_head, deputy_id=other.pk, starts_on=D, ends_on=days(1))
    assert Delegation.objects.filter(revoked_at__isnull=True).count() == 2


def test_revoke(sales_head, clerk, admin, salesperson):
    delegation = delegation_create(actor=sales_head, deputy_id=clerk.pk, starts_on=D,
                                   ends_on=days(2))
    with pytest.raises(NotPermitted):
        delegation_revoke(actor=salesperson, delegation_id=delegation.pk)
    with pytest.raises(NotPermitted):  # the deputy cannot end it either
        delegation_revoke(actor=clerk, delegation_id=delegation.pk)
    revoked = delegation_revoke(actor=admin, delegation_id=delegation.pk)
    assert (revoked.revoked_at, revoked.revoked_by) == (MONDAY, admin)
    assert AuditEvent.objects.filter(action="delegation.revoked").count() == 1
    with pytest.raises(TransitionNotAllowed):
        delegation_revoke(actor=sales_head, delegation_id=delegation.pk)
    with pytest.raises(NotFound):
        delegation_revoke(actor=sales_head, delegation_id=987654)


def test_an_ended_delegation_cannot_be_revoked(sales_head, clerk):
    delegation = Delegation.objects.create(principal=sales_head, deputy=clerk,
                                           starts_on=days(-5), ends_on=days(-1),
                                           created_by=sales_head, created_at=MONDAY)
    with pytest.raises(TransitionNotAllowed):
        delegation_revoke(actor=sales_head, delegation_id=delegation.pk)


# -- pending items follow the delegation and return (resolved at the moment of acting) --

@pytest.fixture
def waiting_for_the_sales_head(salesperson, customer, products, sales_head, division_leader):
    make_user(Dept.FINANCE, Role.DEPT_HEAD, username="fhead")
    order = in_approval(salesperson, customer, products)
    start(order, salesperson)
    return order, pending(order, 1)[0]


def test_pending_items_follow_the_delegation_while_it_runs(waiting_for_the_sales_head,
                                                           sales_head, clerk):
    _order, task = waiting_for_the_sales_head
    # Wednesday to Thursday
    delegation_create(actor=sales_head, deputy_id=clerk.pk, starts_on=days(2),
                      ends_on=days(3))
    # Monday: not yet
    assert approval_inbox(clerk) == []
    with pytest.raises(NotFound):  # the clerk does not even see the order yet
        task_approve(task_id=task.pk, actor=clerk)
    # Thursday 17:00: the item is with the deputy (and still with the Sales head)
    with time_machine.travel(dt.datetime(2025, 3, 6, 17, 0, tzinfo=SHANGHAI), tick=False):
        assert [(t.pk, t.acting_for) for t in approval_inbox(clerk)] == [(task.pk,
                                                                           sales_head)]
        assert [t.pk for t in approval_inbox(sales_head)] == [task.pk]
        done = task_approve(task_id=task.pk, actor=clerk, comment="代为审核")
    assert (done.status, done.acted_by, done.on_behalf_of) == (TaskStatus.APPROVED, clerk,
                                                                sales_head)
    event = AuditEvent.objects.get(action="approval.approved")
    assert (event.actor, event.on_behalf_of) == (clerk, sales_head)


def test_pending_items_return_when_the_delegation_ends(waiting_for_the_sales_head,
                                                       sales_head, clerk):
    _order, task = waiting_for_the_sales_head
    delegation_create(actor=sales_head, deputy_id=clerk.pk, starts_on=D, ends_on=days(1))
    assert [t.pk for t in approval_inbox(clerk)] == [task.pk]
    # Wednesday: the delegation ended on Tuesday
    with time_machine.travel(dt.datetime(2025, 3, 5, 8, 30, tzinfo=SHANGHAI), tick=False):
        assert approval_inbox(clerk) == []
        with pytest.raises(NotFound):
            task_approve(task_id=task.pk, actor=clerk)
        assert [t.pk for t in approval_inbox(sales_head)] == [task.pk]
        task_approve(task_id=task.pk, actor=sales_head)
    assert ApprovalTask.objects.get(pk=task.pk).on_behalf_of is None


def test_a_revoked_delegation_returns_the_items_at_once(waiting_for_the_sales_head,
                                                        sales_head, clerk):
    _order, task = waiting_for_the_sales_head
    delegation = delegation_create(actor=sales_head, deputy_id=clerk.pk, starts_on=D,
                                   ends_on=days(5))
    assert [t.pk for t in approval_inbox(clerk)] == [task.pk]
    delegation_revoke(actor=sales_head, delegation_id=delegation.pk)
    assert approval_inbox(clerk) == []
    with pytest.raises(NotFound):
        task_approve(task_id=task.pk, actor=clerk)
