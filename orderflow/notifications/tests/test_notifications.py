"""In-app notifications and their mail (sent by the task only after the commit)."""

import pytest
from django.core import mail

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.notifications.models import Notification
from orderflow.notifications.selectors import notifications_for, unread_count
from orderflow.notifications.services import notification_mark_read, notify
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_notify_each_distinct_active_recipient_once(salesperson, division_leader,
                                                    django_capture_on_commit_callbacks):
    gone = make_user(Dept.SALES, Role.STAFF, username="gone", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notes = notify(recipients=[salesperson, division_leader, salesperson, gone, None],
                       kind="order.escalated", title="订单需要管理层决定", body="信用额度超限",
                       url="/orders/1/")
    assert sorted(n.recipient.username for n in notes) == ["leader", "sales1"]
    assert Notification.objects.count() == 2
    note = Notification.objects.get(recipient=salesperson)
    assert (note.kind, note.title, note.body, note.url, note.read_at) == (
        "order.escalated", "订单需要管理层决定", "信用额度超限", "/orders/1/", None)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([salesperson.email,
                                                           division_leader.email])


def test_mail_waits_for_the_commit(salesperson, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[salesperson], kind="k", title="t")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_in_app_only(salesperson, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[salesperson], kind="k", title="t", email=False)
    assert callbacks == []
    assert mail.outbox == []
    assert unread_count(salesperson) == 1


def test_long_titles_are_cut(salesperson):
    [note] = notify(recipients=[salesperson], kind="k", title="长" * 250, email=False)
    assert note.title == "长" * 200


def test_mark_read_one_or_all_of_one_s_own(salesperson, sales_head):
    first, second = (notify(recipients=[salesperson], kind="k", title=t, email=False)[0]
                     for t in ("a", "b"))
    [theirs] = notify(recipients=[sales_head], kind="k", title="c", email=False)
    assert notification_mark_read(actor=salesperson, notification_id=first.pk) == 1
    assert notification_mark_read(actor=salesperson, notification_id=theirs.pk) == 0
    assert unread_count(salesperson) == 1
    assert notification_mark_read(actor=salesperson) == 1
    assert unread_count(salesperson) == 0
    assert unread_count(sales_head) == 1
    assert [n.title for n in notifications_for(salesperson)] == ["b", "a"]
    assert notification_mark_read(actor=salesperson) == 0
    second.refresh_from_db()
    assert second.read_at is not None
