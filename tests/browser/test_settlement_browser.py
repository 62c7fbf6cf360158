"""In real Chromium: an executed order is settled and archived through the pages, each
person in their own browser (P7, P9.1): Sales starts the settlement, records the
customer's confirmation and submits the statement; Finance approves it from the 待办
inbox (htmx, no reload), records the invoice and a receipt per instalment on the
settlement page; the order settles itself; Sales archives it from the order page and
sees its dossier. Assertions use data attributes and the database, not translated text.
"""


import pytest

from orderflow.archive.models import Dossier
from orderflow.orders.models import Order
from orderflow.settlement.models import Instalment, SettlementRecord, SettlementStatement
from orderflow.testing.settlement import executed_order, finance_people

from .session import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]





def test_an_executed_order_is_settled_and_archived_through_the_pages_p7_p9(
        browser, live_server, salesperson, sales_head, customer, products):
    # given: an executed order whose goods were delivered, and Finance
    finance = finance_people()
    order = executed_order(salesperson, customer, products, sales_head)
    order_url = f"{live_server.url}/orders/{order.pk}/"
    settlement_url = f"{order_url}settlement/"

    # Sales starts the settlement, confirms with the customer, submits (P7.1.2)
    with signed_in(browser, live_server, salesperson.username) as page:
        page.goto(order_url)
        page.click('[data-testid="order-actions"] [data-action="start_settlement"]')
        page.wait_for_load_state("networkidle")
        page.goto(settlement_url)
        page.click('[data-testid="reconcile-form"] button[type=submit]')
        page.wait_for_selector('[data-testid="reconciled"]')
        page.click('[data-testid="submit-form"] button[type=submit]')
        page.wait_for_selector('[data-testid="audit-status"]')
    statement = SettlementStatement.objects.get(order=order)
    assert statement.status == "in_audit"

    # Finance approves from the inbox without a reload, then invoices and collects
    with signed_in(browser, live_server, finance["staff"].username) as page:
        page.goto(f"{live_server.url}/inbox/")
        page.evaluate("window.__kept = true")
        page.click('[data-act="approve"]')
        page.wait_for_selector('[data-done="1"]')
        assert page.evaluate("window.__kept") is True          # htmx: the same page
        statement.refresh_from_db()
        assert statement.status == "audited"
        page.goto(settlement_url)
        page.fill("#iv-number", "44010001")
        page.fill("#iv-net", str(statement.total_net))
        page.fill("#iv-tax", str(statement.total_tax))
        page.click('[data-testid="invoice-form"] button[type=submit]')
        page.wait_for_load_state("networkidle")
        for _ in range(Instalment.objects.filter(order=order).count()):
            page.click('[data-testid="receipt-form"] button[type=submit] >> nth=0')
            page.wait_for_load_state("networkidle")
    assert Order.objects.get(pk=order.pk).status == "settled"
    assert SettlementRecord.objects.get(order=order).amount == statement.total_gross

    # Sales archives it from the order page and sees the dossier (P9.1.1)
    with signed_in(browser, live_server, salesperson.username) as page:
        page.goto(order_url)
        page.click('[data-testid="order-actions"] [data-action="archive"]')
        page.wait_for_load_state("networkidle")
        dossier = Dossier.objects.get(order=order)
        page.goto(order_url)
        assert dossier.number in page.content()
    assert Order.objects.get(pk=order.pk).status == "archived"
    assert dossier.documents.filter(kind="settlement").exists()
