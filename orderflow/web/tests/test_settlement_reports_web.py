"""The settlement report pages as Finance and Sales use them (P7.2.2, P7.3.1, P7.3.2):
records of archived orders without dead links, totals over every matching record, the
customer filter scoped to what the user sees, receivables with outstanding and overdue
labelled, and the settlement menu only for who may see prices (P9.2.2)."""

import datetime as dt
import importlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.models import Instalment
from orderflow.testing.factories import CustomerFactory, make_user
from orderflow.testing.settlement import (
    audited,
    executed_order,
    in_settlement,
    settled_in_full,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _settled(salesperson, sales_head, products, finance, customer=None):
    order = executed_order(salesperson, customer or CustomerFactory(), products, sales_head)
    return settled_in_full(order, salesperson, finance)


def _customer_options(page: str) -> list[str]:
    select = re.search(r'<select name="customer".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def _records_page(client):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/settlement/records/")
    assert answer.status_code == 200
    return answer.content.decode(), len(queries)


def test_finance_sees_an_archived_order_s_record_without_a_dead_link(
        client_as, salesperson, sales_head, products, finance):
    # given: a settled order, archived since (Finance no longer sees it, P9.2.1)
    archived = _settled(salesperson, sales_head, products, finance)
    put_in_state(archived.order, "archived")
    client = client_as(finance["staff"])
    _page, queries_for_one = _records_page(client)
    # and two more settled orders, still visible
    kept = [_settled(salesperson, sales_head, products, finance) for _ in range(2)]
    # when
    page, queries_for_three = _records_page(client)
    # then: every record is listed (P7.3.2); only the orders Finance sees are linked
    assert all(f'href="/orders/{r.order_id}/settlement/"' in page for r in kept)
    assert f'href="/orders/{archived.order_id}/settlement/"' not in page
    row = re.search(rf'<tr data-record="{archived.pk}">.*?</tr>', page, re.S).group(0)
    assert 'data-testid="order-unlinked"' in row and "Archived" in row
    assert archived.order.number in row
    # and the page's queries do not grow with its rows
    assert queries_for_three == queries_for_one


def test_the_records_page_totals_every_matching_record_and_says_when_it_is_capped(
        client_as, salesperson, sales_head, products, finance, monkeypatch):
    records = [_settled(salesperson, sales_head, products, finance) for _ in range(2)]
    selectors = importlib.import_module("orderflow.settlement.selectors.receivables")
    monkeypatch.setattr(selectors, "RECORDS_PAGE_ROWS", 1)                 # the page's cap
    page = client_as(finance["head"]).get("/settlement/records/").content.decode()
    assert page.count("<tr data-record=") == 1
    assert 'data-testid="records-capped"' in page
    assert "Only the latest 1 records are shown (2 in all)" in page
    total = sum(r.amount for r in records)
    assert re.search(r'data-testid="records-total">[^<]*' + re.escape(f"{total:,.2f}"), page)
    assert "(2 records)" in page


def test_the_records_page_is_not_capped_when_everything_is_shown(
        client_as, salesperson, sales_head, products, finance):
    record = _settled(salesperson, sales_head, products, finance)
    page = client_as(finance["head"]).get("/settlement/records/").content.decode()
    assert 'data-testid="records-capped"' not in page
    assert "(1 record)" in page and f"{record.amount:,.2f}" in page


def test_the_customer_filters_list_only_what_the_user_sees(
        client_as, salesperson, sales_head, products, finance):
    mine = _settled(salesperson, sales_head, products, finance)
    colleague = make_user(Dept.SALES, Role.STAFF, username="sales2")
    theirs = _settled(colleague, sales_head, products, finance)
    production = make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")

    own = _customer_options(client_as(salesperson).get("/settlement/records/")
                            .content.decode())
    assert own == [str(mine.customer_id)]
    every = _customer_options(client_as(finance["head"]).get("/settlement/records/")
                              .content.decode())
    assert sorted(every) == sorted([str(mine.customer_id), str(theirs.customer_id)])
    assert _customer_options(client_as(production).get("/settlement/records/")
                             .content.decode()) == []


def test_the_settlement_menu_only_for_who_may_see_prices(client_as, finance, salesperson):
    production = make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")
    assert 'href="/settlement/records/"' not in client_as(production).get("/") \
        .content.decode()
    assert 'data-testid="nav-settlement"' in client_as(finance["staff"]).get("/") \
        .content.decode()
    assert 'data-testid="nav-settlement"' in client_as(salesperson).get("/") \
        .content.decode()


@pytest.fixture
def two_customers_owing(salesperson, sales_head, products, finance):
    """Given: two customers' audited statements (4,520.00 each: 30% + 70%); the first
    customer's first instalment (1,356.00) is overdue."""
    first, second = (audited(in_settlement(executed_order(salesperson, CustomerFactory(),
                                                          products, sales_head),
                                           salesperson), salesperson, finance["staff"])
                     for _ in range(2))
    late = Instalment.objects.filter(statement=first).order_by("position").first()
    Instalment.objects.filter(pk=late.pk).update(due_date=clock.today() - dt.timedelta(days=3))
    Instalment.objects.exclude(pk=late.pk).update(due_date=clock.today() + dt.timedelta(days=9))
    return first.order.customer, second.order.customer


def test_the_receivables_filter_lists_every_customer_with_the_chosen_one_selected(
        client_as, finance, two_customers_owing):
    first, second = two_customers_owing
    page = client_as(finance["head"]).get("/settlement/receivables/",
                                          {"customer": first.pk}).content.decode()
    assert sorted(_customer_options(page)) == sorted([str(first.pk), str(second.pk)])
    assert f'<option value="{first.pk}" selected>' in page
    assert f'<option value="{second.pk}">' in page


def test_overdue_only_keeps_the_outstanding_amount_whole(client_as, finance,
                                                         two_customers_owing):
    first, _second = two_customers_owing
    page = client_as(finance["head"]).get("/settlement/receivables/",
                                          {"overdue": "1"}).content.decode()
    group = re.search(rf'data-customer="{first.pk}".*?</table>', page, re.S).group(0)
    assert re.search(r'data-testid="customer-outstanding">[^<]*4,520\.00', group)
    assert re.search(r'data-testid="customer-overdue">[^<]*1,356\.00', group)
    assert group.count('data-testid="instalment-outstanding"') == 1
    assert re.search(r'data-testid="total-outstanding">[^<]*4,520\.00', page)
    assert re.search(r'data-testid="total-overdue">[^<]*1,356\.00', page)


def test_the_records_page_refuses_an_end_before_the_start_at_its_field(client_as, finance):
    bad = client_as(finance["head"]).get("/settlement/records/", {
        "date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert bad.status_code == 422
    assert "The end is before the start." in bad.content.decode()
