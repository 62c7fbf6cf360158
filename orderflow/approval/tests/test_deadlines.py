"""Approval step deadlines on the company calendar (P3.3.2 for P4.1), clock frozen, on
PostgreSQL.

Given a step activated on Wed 30 Sep 2026 16:00 with 8 working hours, a reminder 2h before
and the division leader 16h after, and the National Day holiday (1-7 Oct off, Sat 10 Oct
made up): 2h on 30 Sep, so the reminder is due Thu 8 Oct 14:00, the deadline 8 Oct 16:00
and the leader's escalation on the make-up Saturday 10 Oct 16:00.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import (
    ApprovalRequest,
    ApprovalStage,
    ApprovalTask,
    RequestStatus,
    StageStatus,
    StepMode,
    TaskStatus,
)
from orderflow.approval.services.deadlines import approval_deadline_sweep
from orderflow.audit.models import AuditEvent
from orderflow.notifications.models import Notification
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.testing.factories import make_user
from orderflow.workcal.services import Deadlines, deadlines_for
from orderflow.workcal.tests.support import (  # noqa: F401 (english_titles: a fixture)
    NOTHING,
    at,
    counts,
    english_titles,
    golden_week,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_titles")]

ACTIVATED = at(9, 30, 16)


@pytest.fixture
def people(db):
    return {"fin": make_user(Dept.FINANCE, Role.STAFF, username="fin1"),
            "finhead": make_user(Dept.FINANCE, Role.DEPT_HEAD, username="finhead"),
            "qa": make_user(Dept.QUALITY, Role.STAFF, username="qa1"),
            "qahead": make_user(Dept.QUALITY, Role.DEPT_HEAD, username="qahead"),
            "tech": make_user(Dept.TECHNOLOGY, Role.STAFF, username="tech1")}


def start_approval(salesperson, customer, products) -> ApprovalRequest:
    """Given: an order in approval, round 1 (built directly)."""
    with time_machine.travel(ACTIVATED, tick=False):
        order = put_in_state(make_order(salesperson, customer, products), "in_approval")
    return ApprovalRequest.objects.create(
        order=order, subject_id=order.pk, round=1, chain_name="order", current_position=1,
        content_hash="0" * 64, started_by=salesperson, started_at=ACTIVATED)


@pytest.fixture
def request_(salesperson, customer, products):
    return start_approval(salesperson, customer, products)


def activate_stage(request, assignees, *, position=1, done=(), status=StageStatus.ACTIVE,
                   hours=8) -> ApprovalStage:
    """Given: the step is active since ACTIVATED with tasks for `assignees` (pending) and
    `done` (already approved)."""
    deadlines = deadlines_for(ACTIVATED, hours=hours, remind_before=2, leader_after=16)
    stage = ApprovalStage.objects.create(
        request=request, position=position, name="Quality and Finance review",
        mode=StepMode.ALL, status=status, activated_at=ACTIVATED, **deadlines._asdict())
    for user, task_status in [(u, TaskStatus.PENDING) for u in assignees] + \
            [(u, TaskStatus.APPROVED) for u in done]:
        ApprovalTask.objects.create(stage=stage, request=request, order=request.order,
                                    assignee=user, status=task_status,
                                    created_at=ACTIVATED)
    return stage


def sweep_at(moment, **kwargs) -> dict:
    with time_machine.travel(moment, tick=False):
        return approval_deadline_sweep(**kwargs)


def recipients(**filters) -> list[str]:
    return sorted(Notification.objects.filter(kind__startswith="approval.", **filters)
                  .values_list("recipient__username", flat=True))


def test_reminder_and_escalations_fire_at_the_working_hour_moments(
        request_, people, salesperson, division_leader):
    golden_week()
    stage = activate_stage(request_, [people["fin"], people["qa"]], done=[people["tech"]])
    assert Deadlines(stage.due_at, stage.remind_at, stage.escalate_at) == Deadlines(
        due_at=at(10, 8, 16), remind_at=at(10, 8, 14), escalate_at=at(10, 10, 16))
    # Thu 1 Oct 12:00 would be the reminder without the holiday
    assert sweep_at(at(10, 1, 12)) == NOTHING
    assert sweep_at(at(10, 8, 13, 59, 59)) == NOTHING

    # The reminder goes to the approvers whose task still waits
    assert sweep_at(at(10, 8, 14)) == counts(reminded=1)
    assert recipients() == ["fin1", "qa1"]
    assert Notification.objects.filter(recipient=people["fin"]).get().title == (
        f"Approval of order {request_.order.number}: step “Quality and Finance review” "
        "is due at 2026-10-08 16:00.")

    # When overdue: their department heads
    assert sweep_at(at(10, 8, 15, 59)) == NOTHING
    assert sweep_at(at(10, 8, 16)) == counts(head=1)
    assert recipients(kind="approval.step_overdue") == ["finhead", "qahead"]
    event = AuditEvent.objects.get(action="approval.stage_overdue")
    assert (event.actor, event.object_type, event.object_id) == (
        None, "orders.order", str(request_.order_id))
    assert (event.data["stage_id"], event.data["notified"]) == (
        stage.pk, sorted([people["finhead"].pk, people["qahead"].pk]))

    # The division leaders on the make-up Saturday, not on Monday
    assert sweep_at(at(10, 9, 18)) == NOTHING
    assert sweep_at(at(10, 10, 15, 59)) == NOTHING
    assert sweep_at(at(10, 10, 16)) == counts(leader=1)
    assert recipients(recipient=division_leader) == ["leader"]
    assert AuditEvent.objects.get(action="approval.escalated_to_leader").data["notified"] \
        == [division_leader.pk]

    stage.refresh_from_db()
    assert (stage.reminded_at, stage.escalated_head_at, stage.escalated_leader_at) == (
        at(10, 8, 14), at(10, 8, 16), at(10, 10, 16))
    assert sweep_at(at(10, 20, 9)) == NOTHING
    assert Notification.objects.count() == 5


def test_running_the_sweep_twice_sends_each_reminder_once(request_, people, salesperson,
                                                          customer, products):
    golden_week()
    activate_stage(request_, [people["fin"]])
    activate_stage(start_approval(salesperson, customer, products), [people["qa"]])
    assert sweep_at(at(10, 8, 14, 30)) == counts(reminded=2)
    assert sweep_at(at(10, 8, 14, 30)) == NOTHING
    assert sweep_at(at(10, 8, 15)) == NOTHING
    assert recipients() == ["fin1", "qa1"]


def test_a_late_sweep_sends_every_due_step_once(request_, people, division_leader):
    activate_stage(request_, [people["fin"]])
    assert sweep_at(at(10, 20, 9)) == counts(1, 1, 1)
    assert sweep_at(at(10, 20, 9, 5)) == NOTHING
    assert recipients() == ["fin1", "finhead", "leader"]


@pytest.mark.parametrize("stage_status", [StageStatus.WAITING, StageStatus.APPROVED,
                                          StageStatus.RETURNED, StageStatus.VOIDED])
def test_a_stage_that_is_not_active_is_never_reminded(request_, people, division_leader,
                                                      stage_status):
    activate_stage(request_, [people["fin"]], status=stage_status)
    before = AuditEvent.objects.count()
    assert sweep_at(at(10, 20, 9)) == NOTHING
    assert not Notification.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("request_status", [RequestStatus.REJECTED, RequestStatus.VOIDED,
                                            RequestStatus.APPROVED])
def test_a_finished_request_is_not_swept(request_, people, division_leader, request_status):
    activate_stage(request_, [people["fin"]])
    ApprovalRequest.objects.filter(pk=request_.pk).update(status=request_status)
    assert sweep_at(at(10, 20, 9)) == NOTHING
    assert not Notification.objects.exists()


def test_a_step_without_time_limit_is_never_reminded(request_, people, division_leader):
    stage = activate_stage(request_, [people["fin"]], hours=0)
    assert (stage.due_at, stage.remind_at, stage.escalate_at) == (None, None, None)
    assert sweep_at(at(12, 31, 18)) == NOTHING


def test_a_sweep_that_finds_nothing_is_three_queries(request_, people,
                                                     django_assert_num_queries):
    activate_stage(request_, [people["fin"]])                    # not due yet
    activate_stage(request_, [people["qa"]], position=2, status=StageStatus.WAITING)
    with django_assert_num_queries(3):       # one per step: remind, head, leader
        assert approval_deadline_sweep(now=at(9, 30, 17)) == NOTHING


def test_the_limit_bounds_each_step(request_, people, salesperson, customer, products):
    activate_stage(request_, [people["fin"]])
    activate_stage(start_approval(salesperson, customer, products), [people["qa"]])
    assert approval_deadline_sweep(now=at(10, 1, 14, 30), limit=1) == counts(reminded=1)
    assert approval_deadline_sweep(now=at(10, 1, 14, 30), limit=1) == counts(reminded=1)
    assert approval_deadline_sweep(now=at(10, 1, 14, 30), limit=1) == NOTHING


@pytest.mark.race
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SKIP LOCKED between real concurrent workers needs PostgreSQL")
def test_two_workers_sweeping_at_once_send_each_step_once(salesperson, customer, products,
                                                          people, division_leader):
    for _ in range(5):
        activate_stage(start_approval(salesperson, customer, products), [people["fin"]])
    barrier = threading.Barrier(2)

    def worker(_):
        try:
            barrier.wait(timeout=10)
            return approval_deadline_sweep(now=at(10, 20, 9))
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(worker, range(2)))
    assert {key: sum(r[key] for r in results) for key in NOTHING} == counts(5, 5, 5)
    assert recipients() == ["fin1"] * 5 + ["finhead"] * 5 + ["leader"] * 5
    assert AuditEvent.objects.filter(action__startswith="approval.").count() == 10


def test_reminders_lead_to_where_the_subject_is_decided(request_, people):
    # given: the step of an archive query's round (its decider may not open the order)
    golden_week()
    ApprovalRequest.objects.filter(pk=request_.pk).update(subject_kind="archive_query",
                                                          subject_id=42)
    request_.refresh_from_db()
    activate_stage(request_, [people["fin"]])
    # when: the reminder goes out
    assert sweep_at(at(10, 8, 14)) == counts(reminded=1)
    # then: it links to the query on the requests page, not to the archived order
    assert Notification.objects.get(recipient=people["fin"]).url == \
        "/archive/requests/#query-42"
