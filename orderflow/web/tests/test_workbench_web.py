"""The workbench (工作台) and notifications pages: what waits for whom (P1.3.2)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.intake.services import lead_create
from orderflow.notifications.models import Notification
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_create
from orderflow.testing.factories import make_user, order_payload

pytestmark = pytest.mark.django_db



def _order(salesperson, customer, products, status=State.DRAFT, **overrides):
    order = order_create(actor=salesperson, **order_payload(customer, products, **overrides))
    Order.objects.filter(pk=order.pk).update(status=status)
    return order


def inbox(html: str) -> list[str]:
    block = html[html.index('data-testid="inbox"'):] if 'data-testid="inbox"' in html else ""
    block = block[:block.find('data-testid="my-leads"')] if "my-leads" in block else block
    return re.findall(r"(SO-\d{4}-\d{6})", block)


def counters(html: str) -> list[tuple[str, str]]:
    """(count, link) of each counter card, in order."""
    return re.findall(r'<a class="card card-sm card-link" href="([^"]+)".*?data-count>([^<]+)<',
                      html, re.S)


def test_salesperson_sees_their_next_steps_and_counters(
        client_as, salesperson, customer, products):
    # given a draft, a checked and an escalated order of mine, a closed one, and a colleague's
    draft = _order(salesperson, customer, products)
    checked = _order(salesperson, customer, products, State.CHECKED,
                     special_requirements=[{"kind": "packaging", "description": "木箱"}])
    escalated = _order(salesperson, customer, products, State.ESCALATED)
    _order(salesperson, customer, products, State.CANCELLED)
    colleague = make_user(Dept.SALES, Role.STAFF, username="sales2")
    _order(colleague, customer, products)
    # when I open the workbench
    html = client_as(salesperson).get("/").content.decode()
    # then my inbox has what I must do next, newest first, and nobody else's orders
    assert inbox(html) == [checked.number, draft.number]
    assert "Start the review" in html
    assert "Complete the order and run the preliminary check" in html
    found = [(count, link.replace("&amp;", "&")) for link, count in counters(html)]
    assert [count for count, _ in found] == ["3", "0", "1", "1"]
    open_link = found[0][1]
    assert open_link.startswith("/orders/?status=draft&status=awaiting_customer")
    assert f"salesperson={salesperson.pk}" in open_link
    assert found[2][1] == f"/orders/?status=escalated&salesperson={salesperson.pk}"
    # and each counter's link lists exactly what it counted
    client = client_as(salesperson)
    listed = re.findall(r'data-order="([^"]+)"', client.get(open_link).content.decode())
    assert listed == [escalated.number, checked.number, draft.number]
    listed = re.findall(r'data-order="([^"]+)"', client.get(found[3][1]).content.decode())
    assert listed == [checked.number]


def test_division_leader_sees_escalations_to_decide(
        client_as, salesperson, division_leader, customer, products):
    escalated = _order(salesperson, customer, products, State.ESCALATED)
    _order(salesperson, customer, products, State.CHECKED)
    html = client_as(division_leader).get("/").content.decode()
    assert inbox(html) == [escalated.number]
    assert "Decide: accept or decline the order" in html
    assert [count for _, count in counters(html)][2] == "1"


def test_leads_assigned_to_me_link_to_the_order_form(
        client_as, salesperson, sales_head, customer):
    lead = lead_create(actor=sales_head, assigned_to_id=salesperson.pk, channel="online",
                       company_name="杭州某机械有限公司", contact_phone="13900001111")
    other = make_user(Dept.SALES, Role.STAFF, username="sales2")
    lead_create(actor=sales_head, assigned_to_id=other.pk, channel="online",
                company_name="别人的线索公司", contact_phone="13900002222")
    html = client_as(salesperson).get("/").content.decode()
    assert "杭州某机械有限公司" in html
    assert "别人的线索公司" not in html
    assert f'href="/orders/new/?lead={lead.pk}"' in html


def test_workbench_needs_login_and_its_queries_are_bounded(
        client, client_as, salesperson, customer, products):
    assert client.get("/")["Location"].startswith("/login/")
    for _ in range(3):
        _order(salesperson, customer, products)
    page = client_as(salesperson)
    page.get("/")
    with CaptureQueriesContext(connection) as few:
        page.get("/")
    for _ in range(12):
        _order(salesperson, customer, products)
    with CaptureQueriesContext(connection) as more:
        html = page.get("/").content.decode()
    assert len(more) == len(few)
    assert len(inbox(html)) == 10  # the inbox shows at most ten
    assert all("LIMIT" in q["sql"] for q in more.captured_queries
               if "orders_order" in q["sql"] and q["sql"].startswith("SELECT"))


def test_notifications_are_listed_and_marked_read(client_as, salesperson, sales_head):
    first, second = (notify(recipients=[salesperson], kind="test", title=title,
                            url="/orders/", email=False)[0]
                     for title in ("订单 SO-2026-000001 需要管理层决定", "线索已分配给您"))
    notify(recipients=[sales_head], kind="test", title="别人的通知", email=False)
    client = client_as(salesperson)
    html = client.get("/notifications/").content.decode()
    assert re.findall(r'data-notification="(\d+)" data-unread="1"', html) == [
        str(second.pk), str(first.pk)]
    assert "别人的通知" not in html
    # open one: it is marked read and the page it points to opens
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/orders/"})
    assert response["Location"] == "/orders/"
    # a foreign address is not followed
    response = client.post(f"/notifications/{second.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"
    assert Notification.objects.filter(recipient=salesperson, read_at__isnull=True).count() == 0
    notify(recipients=[salesperson], kind="test", title="第三条", email=False)
    client.post("/notifications/read-all/")
    assert Notification.objects.filter(recipient=salesperson, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=sales_head, read_at__isnull=True).count() == 1


def test_marking_someone_elses_notification_changes_nothing(client_as, salesperson,
                                                            sales_head):
    theirs = notify(recipients=[sales_head], kind="test", title="别人的通知", email=False)[0]
    client_as(salesperson).post(f"/notifications/{theirs.pk}/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
