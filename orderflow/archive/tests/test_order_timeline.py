"""A query request decided through the approval engine is about the archive, not the order:
the order's timeline says so, and its salesperson is not told "order rejected" (P9.2.1)."""

import datetime as dt

import pytest

from orderflow.archive.services import query_decline, query_request_file
from orderflow.core import clock
from orderflow.notifications.models import Notification

from .conftest import archived_order

pytestmark = pytest.mark.django_db


def test_a_declined_query_reads_as_such_on_the_order(people, customer, products, client):
    order = archived_order(people["owner"], customer, products)
    query = query_request_file(actor=people["production"], order_number=order.number,
                               purpose="了解价格",
                               wanted_until=clock.today() + dt.timedelta(days=3))
    before = Notification.objects.filter(recipient=people["owner"]).count()
    query_decline(query_id=query.pk, actor=people["production_head"], reason="与工作无关")
    assert Notification.objects.filter(recipient=people["owner"]).count() == before
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(people["owner"])
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "Archive query request · Approval rejected" in page
    assert "Archive query request · Approval started" in page
