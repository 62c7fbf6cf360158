"""The deadline sweep runs on the huey worker every 5 minutes (P3.3.2)."""

import datetime as dt

import pytest
import time_machine
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.notifications.models import Notification
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.review.models import Review, ReviewOpinion
from orderflow.testing.factories import department, make_user
from orderflow.workcal import tasks
from orderflow.workcal.services import deadlines_for
from orderflow.workcal.tests.support import at

pytestmark = pytest.mark.django_db

EMPTY = {"reminded": 0, "escalated_head": 0, "escalated_leader": 0, "failed": 0}


def test_run_huey_finds_the_periodic_sweep():
    # run_huey autodiscovers each installed app's `tasks` module
    autodiscover_modules("tasks")
    assert tasks.schedule_deadline_sweep.task_class in HUEY._registry._periodic_tasks


@pytest.mark.parametrize(("minute", "fires"), [(0, True), (5, True), (55, True),
                                               (3, False), (59, False)])
def test_the_sweep_is_scheduled_every_five_minutes(minute, fires):
    task = tasks.schedule_deadline_sweep.s()
    assert task.validate_datetime(dt.datetime(2026, 10, 8, 14, minute)) is fires


def test_sweep_deadlines_runs_both_sweeps():
    assert tasks.sweep_deadlines.call() == {"review": EMPTY, "approval": EMPTY}


def test_the_periodic_task_enqueues_the_sweep_which_reminds(salesperson, customer, products):
    # Given a technology opinion asked for on Mon 28 Sep 09:00 (16h, reminder 4h before)
    make_user(Dept.TECHNOLOGY, Role.STAFF, username="tech1")
    with time_machine.travel(at(9, 28, 9), tick=False):
        order = put_in_state(make_order(salesperson, customer, products), "in_review")
    review = Review.objects.create(order=order, subject_id=order.pk, round=1,
                                   content_hash="0" * 64, started_by=salesperson,
                                   started_at=at(9, 28, 9))
    ReviewOpinion.objects.create(
        review=review, department=department(Dept.TECHNOLOGY), assigned_at=at(9, 28, 9),
        **deadlines_for(at(9, 28, 9), hours=16, remind_before=4, leader_after=8)._asdict())
    # When huey's scheduler fires at the reminder moment (immediate mode in tests)
    with time_machine.travel(at(9, 29, 14, 30), tick=False):
        tasks.schedule_deadline_sweep()
    # Then the queued Django task ran the sweep
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "tech1"]
    assert ReviewOpinion.objects.get().reminded_at == at(9, 29, 14, 30)
