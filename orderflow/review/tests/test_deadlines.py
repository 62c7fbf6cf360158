"""Review deadlines on the company calendar (P3.3.2), clock frozen, on PostgreSQL.

Given a review sent on Wed 30 Sep 2026 09:00 with the default limit (16 working hours,
reminder 4h before, division leader 8h after) and the National Day holiday (1-7 Oct off,
Sat 10 Oct made up): 7.5h on 30 Sep, nothing 1-7 Oct, so the reminder is due Thu 8 Oct
14:30, the deadline Fri 9 Oct 09:00 and the leader's escalation Sat 10 Oct 09:00.
"""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.notifications.models import Notification
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.review.models import (
    OpinionStatus,
    Review,
    ReviewOpinion,
    ReviewStatus,
    ReviewTimeLimit,
)
from orderflow.review.services.deadlines import review_deadline_sweep
from orderflow.review.tests.support import (
    give,
    make_reviewers,
    ordinary_rule,
    started_review,
)
from orderflow.testing.factories import department, make_user
from orderflow.workcal.services import Deadlines, deadlines_for
from orderflow.workcal.tests.support import (  # noqa: F401 (english_titles: a fixture)
    NOTHING,
    at,
    counts,
    english_titles,
    golden_week,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_titles")]

SENT = at(9, 30, 9)


@pytest.fixture
def tech(db):
    return {"staff": make_user(Dept.TECHNOLOGY, Role.STAFF, username="tech1"),
            "staff2": make_user(Dept.TECHNOLOGY, Role.STAFF, username="tech2"),
            "head": make_user(Dept.TECHNOLOGY, Role.DEPT_HEAD, username="techhead"),
            "gone": make_user(Dept.TECHNOLOGY, Role.STAFF, username="techgone",
                              is_active=False)}


def start_review(salesperson, customer, products, *, sent=SENT) -> Review:
    """Given: an order in review, round 1 started at `sent` (built directly)."""
    with time_machine.travel(sent, tick=False):
        order = put_in_state(make_order(salesperson, customer, products), "in_review")
        return Review.objects.create(
            order=order, subject_id=order.pk, round=1, content_hash="0" * 64,
            started_by=salesperson, started_at=sent)


@pytest.fixture
def review(salesperson, customer, products):
    return start_review(salesperson, customer, products)


def send_opinion(review, dept=Dept.TECHNOLOGY, *, sent=SENT, **fields) -> ReviewOpinion:
    """Given: the review asked the department for its opinion at `sent` (P3.3.2)."""
    limit = ReviewTimeLimit.objects.get(department__code=dept)
    deadlines = deadlines_for(sent, hours=limit.hours, remind_before=limit.remind_before_hours,
                              leader_after=limit.leader_after_hours)
    return ReviewOpinion.objects.create(review=review, department=department(dept),
                                        assigned_at=sent, **deadlines._asdict(), **fields)


def sweep_at(moment, **kwargs) -> dict:
    with time_machine.travel(moment, tick=False):
        return review_deadline_sweep(**kwargs)


def recipients(**filters) -> list[str]:
    return sorted(Notification.objects.filter(kind__startswith="review.", **filters)
                  .values_list("recipient__username", flat=True))


def test_reminder_and_escalations_fire_at_the_working_hour_moments(
        review, tech, salesperson, division_leader):
    golden_week()
    opinion = send_opinion(review)
    # The deadlines skip the holiday and count the make-up Saturday
    assert Deadlines(opinion.due_at, opinion.remind_at, opinion.escalate_at) == Deadlines(
        due_at=at(10, 9, 9), remind_at=at(10, 8, 14, 30), escalate_at=at(10, 10, 9))
    # Without the holiday the reminder would be due on Thu 1 Oct 14:30: nothing happens
    assert sweep_at(at(10, 1, 14, 30)) == NOTHING
    assert sweep_at(at(10, 8, 14, 29, 59)) == NOTHING
    assert not Notification.objects.exists()

    # At the reminder moment the department's active members hear of it, once
    assert sweep_at(at(10, 8, 14, 30)) == counts(reminded=1)
    assert recipients() == ["tech1", "tech2", "techhead"]
    note = Notification.objects.filter(recipient=tech["staff"]).get()
    assert note.title == (f"Review of order {review.order.number}: the Technology opinion "
                          "is due at 2026-10-09 09:00.")
    assert note.url == f"/orders/{review.order_id}/"

    assert sweep_at(at(10, 9, 8, 59, 59)) == NOTHING
    # At the deadline: the department head and the salesperson
    assert sweep_at(at(10, 9, 9)) == counts(head=1)
    assert recipients(kind="review.opinion_overdue") == ["sales1", "techhead"]
    event = AuditEvent.objects.get(action="review.opinion_overdue")
    assert (event.actor, event.object_type, event.object_id) == (
        None, "orders.order", str(review.order_id))
    assert event.data["opinion_id"] == opinion.pk
    assert event.data["notified"] == sorted([salesperson.pk, tech["head"].pk])

    # Friday evening is not yet 8 working hours later; the make-up Saturday 09:00 is
    assert sweep_at(at(10, 9, 18)) == NOTHING
    assert sweep_at(at(10, 10, 8, 59, 59)) == NOTHING
    assert sweep_at(at(10, 10, 9)) == counts(leader=1)
    assert recipients(recipient=division_leader) == ["leader"]
    event = AuditEvent.objects.get(action="review.escalated_to_leader")
    assert (event.object_id, event.data["notified"]) == (str(review.order_id),
                                                         [division_leader.pk])

    opinion.refresh_from_db()
    assert (opinion.reminded_at, opinion.escalated_head_at, opinion.escalated_leader_at) == (
        at(10, 8, 14, 30), at(10, 9, 9), at(10, 10, 9))
    assert sweep_at(at(10, 12, 9)) == NOTHING
    assert Notification.objects.count() == 6


def test_without_the_holiday_the_same_review_is_due_on_1_october(review, tech):
    opinion = send_opinion(review)
    assert (opinion.remind_at, opinion.due_at, opinion.escalate_at) == (
        at(10, 1, 14, 30), at(10, 2, 9), at(10, 5, 9))
    assert sweep_at(at(10, 1, 14, 30)) == counts(reminded=1)


def test_running_the_sweep_twice_sends_each_reminder_once(review, tech, division_leader):
    golden_week()
    send_opinion(review)
    send_opinion(review, Dept.FINANCE)
    assert sweep_at(at(10, 8, 15)) == counts(reminded=2)
    sent = Notification.objects.count()
    assert sweep_at(at(10, 8, 15)) == NOTHING
    assert sweep_at(at(10, 8, 16)) == NOTHING
    assert Notification.objects.count() == sent


def test_a_late_sweep_sends_every_step_that_came_due_once(review, tech, division_leader):
    # Given the worker was down over the whole period
    golden_week()
    send_opinion(review)
    # When it sweeps on Monday 12 Oct, then again
    assert sweep_at(at(10, 12, 10)) == counts(reminded=1, head=1, leader=1)
    assert sweep_at(at(10, 12, 10, 5)) == NOTHING
    # Then each step went out once
    assert AuditEvent.objects.filter(action__startswith="review.").count() == 2
    assert recipients(recipient=division_leader) == ["leader"]


def test_a_submitted_opinion_is_never_reminded_nor_escalated(review, tech, division_leader):
    send_opinion(review, status=OpinionStatus.SUBMITTED, submitted_at=SENT)
    send_opinion(review, Dept.FINANCE, status=OpinionStatus.WITHDRAWN)
    before = AuditEvent.objects.count()
    assert sweep_at(at(10, 12, 10)) == NOTHING
    assert not Notification.objects.exists()
    assert AuditEvent.objects.count() == before
    assert not ReviewOpinion.objects.filter(reminded_at__isnull=False).exists()


def test_a_closed_review_is_not_swept(review, tech, division_leader):
    send_opinion(review)
    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.WITHDRAWN)
    assert sweep_at(at(10, 12, 10)) == NOTHING
    assert not Notification.objects.exists()


def test_a_major_review_reminds_the_department_head_only(review, tech):
    Review.objects.filter(pk=review.pk).update(is_major=True)
    review.refresh_from_db()
    send_opinion(review)
    assert sweep_at(at(10, 1, 14, 30)) == counts(reminded=1)
    assert recipients() == ["techhead"]


def test_no_time_limit_means_no_reminder(review, tech):
    ReviewTimeLimit.objects.filter(department__code=Dept.TECHNOLOGY).update(hours=0)
    opinion = send_opinion(review)
    assert (opinion.due_at, opinion.remind_at, opinion.escalate_at) == (None, None, None)
    assert sweep_at(at(12, 31, 18)) == NOTHING


def test_a_sweep_that_finds_nothing_is_three_queries(review, tech,
                                                     django_assert_num_queries):
    # Given opinions that are not due yet, given, or in another state
    send_opinion(review)
    send_opinion(review, Dept.FINANCE, status=OpinionStatus.SUBMITTED)
    with django_assert_num_queries(3):       # one per step: remind, head, leader
        assert review_deadline_sweep(now=at(9, 30, 10)) == NOTHING


def test_the_limit_bounds_each_step(review, tech):
    for dept in (Dept.TECHNOLOGY, Dept.FINANCE, Dept.QUALITY):
        send_opinion(review, dept)
    assert review_deadline_sweep(now=at(10, 1, 15), limit=2) == counts(reminded=2)
    assert review_deadline_sweep(now=at(10, 1, 15), limit=2) == counts(reminded=1)
    assert ReviewOpinion.objects.filter(reminded_at=at(10, 1, 15)).count() == 3


def test_queries_grow_by_a_constant_per_opinion(salesperson, customer, products, tech):
    # Recipients are looked up once per department and sweep, not per opinion
    reviews = [start_review(salesperson, customer, products) for _ in range(4)]
    send_opinion(reviews[0])
    with CaptureQueriesContext(connection) as one:
        assert review_deadline_sweep(now=at(10, 1, 15)) == counts(reminded=1)
    for other in reviews[1:]:
        send_opinion(other)
    with CaptureQueriesContext(connection) as four:
        assert review_deadline_sweep(now=at(10, 1, 15)) == counts(reminded=3)
    # Per opinion: savepoint, claim, notifications, stamp, release
    assert len(four) - len(one) == 2 * 5


def test_a_failing_opinion_is_logged_and_others_still_go_out(review, tech, monkeypatch):
    send_opinion(review)
    send_opinion(review, Dept.FINANCE)
    from orderflow.review.services import deadlines as module

    real = module._send

    def flaky(opinion, people, kind, title):
        if opinion.department.code == Dept.TECHNOLOGY:
            raise RuntimeError("mail server on fire")
        return real(opinion, people, kind, title)

    monkeypatch.setattr(module, "_send", flaky)
    result = review_deadline_sweep(now=at(10, 1, 15))
    assert result == {**counts(reminded=1), "failed": 1}
    # The failed one is not stamped, so the next sweep tries again
    assert list(ReviewOpinion.objects.filter(reminded_at__isnull=True)
                .values_list("department__code", flat=True)) == ["technology"]
    monkeypatch.setattr(module, "_send", real)
    assert review_deadline_sweep(now=at(10, 1, 16)) == counts(reminded=1)


def test_the_time_shown_is_the_company_time(review, tech):
    # 01:00 UTC is 09:00 in Shanghai
    opinion = send_opinion(review, sent=dt.datetime(2026, 9, 30, 1, tzinfo=dt.UTC))
    assert opinion.due_at == at(10, 2, 9)
    review_deadline_sweep(now=at(10, 1, 15))
    assert "2026-10-02 09:00" in Notification.objects.first().title


@pytest.mark.race
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SKIP LOCKED between real concurrent workers needs PostgreSQL")
def test_two_workers_sweeping_at_once_send_each_step_once(salesperson, customer, products,
                                                          tech, division_leader):
    # Given six opinions whose reminder, deadline and escalation have all passed
    for _ in range(6):
        send_opinion(start_review(salesperson, customer, products))
    barrier = threading.Barrier(2)

    def worker(_):
        try:
            barrier.wait(timeout=10)
            return review_deadline_sweep(now=at(10, 12, 10))
        finally:
            connection.close()

    # When two workers sweep at the same instant
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(worker, range(2)))
    # Then every step of every opinion was handled by exactly one of them
    assert {key: sum(r[key] for r in results) for key in NOTHING} == counts(6, 6, 6)
    assert Notification.objects.filter(kind="review.opinion_due").count() == 6 * 3
    assert Notification.objects.filter(recipient=division_leader).count() == 6
    assert AuditEvent.objects.filter(action="review.opinion_overdue").count() == 6
    assert AuditEvent.objects.filter(action="review.escalated_to_leader").count() == 6


def test_review_start_sets_the_deadlines_and_a_given_opinion_is_not_reminded(
        salesperson, customer, products, division_leader):
    # Given the holiday calendar, an ordinary order and a reviewer in every department
    golden_week()
    ordinary_rule()
    reviewers = make_reviewers()
    # When Sales starts the review on Wed 30 Sep 09:00 (through the service)
    with time_machine.travel(SENT, tick=False):
        review = started_review(salesperson, customer, products)
    # Then every department has the same working-hour deadlines, over the holiday
    assert set(review.opinions.values_list("remind_at", "due_at", "escalate_at")) == {
        (at(10, 8, 14, 30), at(10, 9, 9), at(10, 10, 9))}
    # And when Technology gives its opinion on 8 Oct, only the others are reminded
    with time_machine.travel(at(10, 8, 10), tick=False):
        give(review, "technology", reviewers["technology"]["staff"])
    Notification.objects.all().delete()
    assert sweep_at(at(10, 8, 14, 30)) == counts(reminded=4)
    assert recipients() == sorted(f"{code}_{who}" for code in
                                  ("finance", "procurement", "production", "quality")
                                  for who in ("head", "staff"))
    assert sweep_at(at(10, 12, 9)) == counts(head=4, leader=4)
    assert not ReviewOpinion.objects.filter(
        department__code="technology", reminded_at__isnull=False).exists()
