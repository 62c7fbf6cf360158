"""In real Chromium: Finance records the customer's deposit on an order still in execution,
from the order page's panel (P7.1.1), and later pays back what the audited statement did
not need (P7.2.2). Assertions use data attributes and the database, not translated text.
"""

from decimal import Decimal

import pytest

from orderflow.settlement.models import AdvanceReceipt, AdvanceRefund
from orderflow.testing.settlement import (
    audited_with_excess,
    delivered_in_execution,
    finance_people,
)

from .session import settle, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_finance_records_a_deposit_and_refunds_the_excess_through_the_pages_p7(
        browser, live_server, salesperson, sales_head, customer, products):
    # given: an order in execution (4,520.00 with tax), nothing received yet
    finance = finance_people()
    order = delivered_in_execution(salesperson, customer, products, sales_head)
    order_url = f"{live_server.url}/orders/{order.pk}/"

    with signed_in(browser, live_server, finance["staff"].username) as page:
        # when Finance opens the advances from the order page and records too much first
        page.goto(order_url)
        page.click('[data-testid="advances-open"]')
        settle(page)
        form = page.locator('[data-testid="advance-form"]')
        form.locator("#adv-amount").fill("99999")
        form.locator("button[type=submit]").click()
        settle(page)
        # then the amount is refused on its field and nothing is written
        assert page.locator('[data-testid="advance-form"] #adv-amount.is-invalid').count() == 1
        assert not AdvanceReceipt.objects.exists()

        # when the real deposit of 1,356.00 (30 %) is recorded
        form = page.locator('[data-testid="advance-form"]')
        form.locator("#adv-amount").fill("1356.00")
        form.locator("#adv-ref").fill("CMB-0001")
        form.locator("button[type=submit]").click()
        settle(page)
        # then it is listed, not yet applied
        assert page.locator('[data-testid="advances"] tbody tr').count() == 1
    advance = AdvanceReceipt.objects.get()
    assert (advance.amount, advance.bank_reference, advance.applied_amount) == (
        Decimal("1356.00"), "CMB-0001", Decimal("0.00"))

    # given: more came in; less was delivered than ordered and Finance audited: the rest of
    # the advances exceeds the statement
    audited_with_excess(order, salesperson, finance, paid="3164.00")

    with signed_in(browser, live_server, finance["staff"].username) as page:
        page.goto(f"{order_url}settlement/")
        settle(page)
        assert page.locator('[data-testid="advance-excess"]').count() == 1
        # when Finance pays the excess back (the amount is offered)
        form = page.locator('[data-testid="advance-refund-form"]')
        offered = form.locator("#ref-amount").input_value()
        form.locator("#ref-ref").fill("CMB-REFUND-1")
        form.locator("button[type=submit]").click()
        settle(page)
        # then the refund is listed and nothing is left to refund
        assert page.locator('[data-testid="advance-refunds"] tbody tr').count() == 1
        assert page.locator('[data-testid="advance-excess"]').count() == 0
    refund = AdvanceRefund.objects.get()
    assert (refund.amount, refund.bank_reference) == (Decimal(offered), "CMB-REFUND-1")
    assert refund.amount == Decimal("1130.00")
