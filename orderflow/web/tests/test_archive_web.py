"""Archive pages (P9): the archive button and the order page's dossier panel, the dossier
page, downloads, the index with export, my archive requests, decisions, settings."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.archive.models import AccessLog, ArchiveSettings, Dossier, QueryRequest
from orderflow.archive.tests.conftest import archived_order, settled_order
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def TOMORROW() -> str:
    """Tomorrow in the company's time: a grant wanted until then outlives the test, even
    in a run that crosses midnight in Asia/Shanghai."""
    return (clock.today() + dt.timedelta(days=1)).isoformat()


def as_user(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def production(db):
    return make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")


@pytest.fixture
def production_head(db):
    return make_user(Dept.PRODUCTION, Role.DEPT_HEAD, username="prodhead")


def test_archive_button_and_the_order_panel(salesperson, customer, products):
    order = settled_order(salesperson, customer, products)
    client = as_user(salesperson)
    page = client.get(f"/orders/{order.pk}/")
    assert f'/orders/{order.pk}/actions/archive/' in page.content.decode()
    response = client.post(f"/orders/{order.pk}/actions/archive/", follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    dossier = Dossier.objects.get(order=order)
    body = response.content.decode()
    assert order.status == State.ARCHIVED
    assert 'data-testid="archive-panel"' in body and dossier.number in body
    assert 'data-intact="1"' in body


def test_dossier_page_downloads_and_access_log(salesperson, customer, products):
    order = archived_order(salesperson, customer, products)
    client = as_user(salesperson)
    page = client.get(f"/archive/orders/{order.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="access-log"' in body
    contract = order.dossier.documents.get(kind="contract")
    download = client.get(f"/archive/documents/{contract.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert list(AccessLog.objects.order_by("id").values_list("action", flat=True)) == [
        "view", "download"]


def test_dossier_page_query_count(salesperson, customer, products):
    order = archived_order(salesperson, customer, products)
    client = as_user(salesperson)
    client.get(f"/archive/orders/{order.pk}/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/archive/orders/{order.pk}/").status_code == 200
    assert len(queries) <= 22


def test_index_filters_export_and_query_count(sales_head, salesperson, customer, products,
                                              production):
    first = archived_order(salesperson, customer, products)
    archived_order(salesperson, customer, products)
    client = as_user(sales_head)
    page = client.get("/archive/", {"q": first.number})
    body = page.content.decode()
    assert body.count("data-dossier=") == 1 and first.dossier.number in body
    bad = client.get("/archive/", {"month": "13"})
    assert bad.status_code == 422 and 'data-error-for="month"' in bad.content.decode()
    assert b'name="kind" value="archive_index"' in page.content   # background export
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/archive/", {"customer": customer.pk}).status_code == 200
    assert len(queries) <= 14
    # Production is sent to its requests page: it must ask
    assert as_user(production).get("/archive/").url == "/archive/requests/"


def test_request_approve_grant_and_expiry(salesperson, customer, products, production,
                                          production_head):
    order = archived_order(salesperson, customer, products)
    with time_machine.travel(NOW, tick=False) as clock:
        mine = as_user(production)
        assert mine.get(f"/orders/{order.pk}/").status_code == 404
        bad = mine.post("/archive/requests/", {"order_number": order.number, "purpose": "",
                                               "wanted_until": "2026-12-09"})
        assert bad.status_code == 422 and not QueryRequest.objects.exists()
        filed = mine.post("/archive/requests/", {
            "order_number": order.number, "purpose": "客户投诉追溯",
            "wanted_until": "2026-12-09"})
        assert filed.status_code == 302
        query = QueryRequest.objects.get()
        head = as_user(production_head)
        assert f'data-query="{query.pk}"' in head.get("/archive/requests/").content.decode()
        head.post(f"/archive/requests/{query.pk}/approve/")
        assert QueryRequest.objects.get().status == "approved"
        assert 'data-status="approved"' in mine.get("/archive/requests/").content.decode()
        page = mine.get(f"/archive/orders/{order.pk}/")
        body = page.content.decode()
        assert page.status_code == 200
        assert 'data-withheld=' in body and 'data-testid="dossier-amount"' not in body
        assert 'data-testid="access-log"' not in body
        # the grant opens the dossier (logged), not the live order and its unlogged pages
        assert mine.get(f"/orders/{order.pk}/").status_code == 404
        assert mine.get(f"/orders/{order.pk}/settlement/").status_code == 404
        clock.move_to(dt.datetime(2026, 12, 10, 0, 0, 1, tzinfo=dt.UTC))
        mine = as_user(production)
        assert mine.get(f"/archive/orders/{order.pk}/").status_code == 404
        assert mine.get(f"/orders/{order.pk}/").status_code == 404


def test_decline_with_a_reason(salesperson, customer, products, production, production_head):
    order = archived_order(salesperson, customer, products)
    as_user(production).post("/archive/requests/", {
        "order_number": order.number, "purpose": "查询",
        "wanted_until": TOMORROW()})
    query = QueryRequest.objects.get()
    as_user(production_head).post(f"/archive/requests/{query.pk}/decline/",
                                  {"reason": "无需查看"})
    assert (QueryRequest.objects.get().status, QueryRequest.objects.get().decline_reason) == (
        "declined", "无需查看")
    assert "无需查看" in as_user(production).get("/archive/requests/").content.decode()


def test_settings_screen(salesperson):
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin5")
    assert as_user(salesperson).get("/config/archive/").status_code == 403
    client = as_user(admin)
    assert client.get("/config/archive/").status_code == 200
    bad = client.post("/config/archive/", {"price_departments": ["sales"],
                                           "max_grant_days": "0"})
    assert bad.status_code == 422
    client.post("/config/archive/", {"price_departments": ["sales", "archive"],
                                     "max_grant_days": "14"})
    row = ArchiveSettings.objects.get(pk=1)
    assert (row.price_departments, row.max_grant_days) == (["sales", "archive"], 14)


def test_the_head_s_inbox_holds_the_query(salesperson, customer, products, production,
                                          production_head):
    # P9.2.1 through the approval engine: the request is a task in the head's 待办 inbox
    from orderflow.approval.models import ApprovalTask

    order = archived_order(salesperson, customer, products)
    as_user(production).post("/archive/requests/", {
        "order_number": order.number, "purpose": "查询工艺",
        "wanted_until": TOMORROW()})
    task = ApprovalTask.objects.get(request__subject_kind="archive_query")
    head = as_user(production_head)
    inbox = head.get("/inbox/")
    assert inbox.status_code == 200 and order.number in inbox.content.decode()
    assert head.get(f"/orders/{order.pk}/").status_code == 200  # while deciding
    head.post(f"/approvals/tasks/{task.pk}/approve/", {"comment": "同意"})
    assert QueryRequest.objects.get().status == "approved"
    assert head.get(f"/orders/{order.pk}/").status_code == 404  # decided: hidden again


def test_the_dossier_links_the_order_only_for_who_may_open_it(
        salesperson, customer, products, production, production_head):
    # given: an archived order; Production's query of it approved
    order = archived_order(salesperson, customer, products)
    requester = as_user(production)
    requester.post("/archive/requests/", {"order_number": order.number, "purpose": "查询工艺",
                                          "wanted_until": TOMORROW()})
    as_user(production_head).post(
        f"/archive/requests/{QueryRequest.objects.get().pk}/approve/")
    # when: the requester opens the dossier: the order number is text (its page is a 404)
    body = requester.get(f"/archive/orders/{order.pk}/").content.decode()
    assert f'<span class="small ms-2" data-testid="dossier-order">{order.number}</span>' in body
    assert f'href="/orders/{order.pk}/"' not in body
    # and the owner, who sees the order, gets the link and the amount as the index shows it
    body = as_user(salesperson).get(f"/archive/orders/{order.pk}/").content.decode()
    assert f'href="/orders/{order.pk}/" data-testid="dossier-order">{order.number}</a>' in body
    amount = f"¥{order.dossier.amount:,.2f}"
    assert f'data-testid="dossier-amount">{amount}</dd>' in body
    index = as_user(salesperson).get("/archive/").content.decode()
    assert f">{amount}</td>" in index


def test_the_chosen_customer_is_shown_and_the_other_filters_stay(
        sales_head, salesperson, customer, products):
    first = archived_order(salesperson, customer, products)
    year = first.dossier.year
    client = as_user(sales_head)
    # given: the index searched by year and part of the customer's name
    body = client.get("/archive/", {"year": year, "customer_name": customer.name[:2]}) \
        .content.decode()
    # when: the customer's name in a row is clicked
    link = html.unescape(re.search(r'<a href="([^"]*)" data-customer-link>', body)[1])
    assert link == f"?year={year}&customer={customer.pk}"
    body = client.get(f"/archive/{link}").content.decode()
    # then: the customer is shown by name, with a way back that keeps the year
    chosen = re.search(r'data-testid="chosen-customer">(.*?)</div>', body, re.S)[1]
    assert f'value="{customer.pk}"' in chosen
    assert f'value="{customer.name}" title="{customer.name}" readonly' in chosen
    clear = re.search(r'<a class="btn btn-icon" href="([^"]*)"', chosen)[1]
    assert html.unescape(clear) == f"?year={year}"
    assert f'name="year" value="{year}"' in body and body.count("data-dossier=") == 1


def test_the_index_labels_its_fields_and_resets(sales_head):
    body = as_user(sales_head).get("/archive/").content.decode()
    assert '<label class="form-label" for="archive-date-from">Archived from</label>' in body
    assert '<label class="form-label" for="archive-date-to">Archived until</label>' in body
    assert '<a class="btn" href="/archive/" data-testid="reset-filters">Reset</a>' in body


def test_filter_errors_are_shown_at_their_fields_with_422(sales_head, salesperson, customer,
                                                          products):
    archived_order(salesperson, customer, products)
    bad = as_user(sales_head).get("/archive/", {
        "year": "x", "month": "13", "date_from": "2026-05-02", "date_to": "2026-05-01"})
    body = bad.content.decode()
    assert bad.status_code == 422
    errors = dict(re.findall(r'data-error-for="(\w+)">(.*?)</div>', body))
    assert set(errors) == {"year", "month", "date_to"}
    assert errors["date_to"] == "The end is before the start."
    assert 'class="form-control is-invalid" id="archive-date-to"' in body


def test_the_chosen_customer_keeps_its_name_when_another_filter_is_refused(
        sales_head, salesperson, customer, products):
    archived_order(salesperson, customer, products)
    bad = as_user(sales_head).get("/archive/", {"customer": customer.pk, "month": "13"})
    assert bad.status_code == 422
    assert html.escape(customer.name) in bad.content.decode()
