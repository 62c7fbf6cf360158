"""Django's tasks API runs on huey (immediate mode in tests): enqueue -> the task runs."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.tasks import TaskResultStatus, task, task_backends
from huey.contrib.djhuey import HUEY

from orderflow.core.tasks_backend import HueyTaskBackend
from orderflow.notifications.models import Notification
from orderflow.notifications.tasks import send_notification_email

CALLS: list = []


@task
def remember(*args, **kwargs):
    CALLS.append((args, kwargs))
    return len(CALLS)


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()
    HUEY.flush()
    yield
    HUEY.flush()


def test_the_configured_backend_is_huey():
    assert isinstance(task_backends["default"], HueyTaskBackend)
    assert HUEY.immediate is True


def test_enqueue_hands_the_task_to_huey_which_runs_it():
    result = remember.enqueue(1, "二", flag=True)
    assert CALLS == [((1, "二"), {"flag": True})]
    assert result.status == TaskResultStatus.READY
    assert (result.args, result.kwargs) == ([1, "二"], {"flag": True})
    assert result.task is remember
    assert len(result.id) == 32


def test_deferred_task_waits_for_its_time():
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    remember.using(run_after=later).enqueue("later")
    assert CALLS == []
    [scheduled] = HUEY.scheduled()
    assert scheduled.eta == later.replace(tzinfo=None)  # huey keeps naive UTC


@pytest.mark.django_db
def test_notification_mail_is_sent_after_commit(salesperson, django_capture_on_commit_callbacks):
    note = Notification.objects.create(recipient=salesperson, kind="order.test",
                                       title="订单 SO-2026-000001 需要处理", body="请尽快处理",
                                       created_at=dt.datetime.now(dt.UTC))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transaction.on_commit(lambda: send_notification_email.enqueue(
            notification_id=note.pk))
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.subject == "[orderflow] 订单 SO-2026-000001 需要处理"
    assert message.body == "请尽快处理"
    assert message.to == [salesperson.email]


@pytest.mark.django_db
def test_no_mail_without_an_address_or_a_notification(salesperson):
    salesperson.email = ""
    salesperson.save()
    note = Notification.objects.create(recipient=salesperson, kind="k", title="t",
                                       created_at=dt.datetime.now(dt.UTC))
    assert send_notification_email.call(notification_id=note.pk) is False
    assert send_notification_email.call(notification_id=note.pk + 1000) is False
    send_notification_email.enqueue(notification_id=note.pk)
    assert mail.outbox == []
