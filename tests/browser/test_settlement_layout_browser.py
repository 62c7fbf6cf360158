"""In real Chromium at 1024 px (a small laptop), in Chinese: the settlement page's invoice
void button keeps its label "作废（红冲）" on one line inside the button (P7.2.2), and the
receipt form shows a visible label above each field."""

import pytest

from orderflow.core import clock
from orderflow.settlement.services import invoice_issue
from orderflow.testing.settlement import audited, executed_order, finance_people, in_settlement

from .session import signed_in

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BUTTON_FITS = """button => {
    const box = button.getBoundingClientRect();
    const line = parseFloat(getComputedStyle(button).lineHeight);
    const text = document.createRange();
    text.selectNodeContents(button);
    const label = text.getBoundingClientRect();
    return {overflows: button.scrollWidth > button.clientWidth
                       || label.left < box.left || label.right > box.right,
            lines: Math.round(label.height / line)};
}"""


def test_the_void_button_fits_its_label_at_1024px(browser, live_server, salesperson,
                                                   sales_head, customer, products):
    # given: an audited statement with one invoice Finance may void
    finance = finance_people()
    order = executed_order(salesperson, customer, products, sales_head)
    audited(in_settlement(order, salesperson), salesperson, finance["staff"])
    invoice = invoice_issue(order_id=order.pk, actor=finance["staff"], kind="vat_special",
                            number="44010001", issued_on=clock.today(), net_amount="1000",
                            tax_amount="130")
    with signed_in(browser, live_server, finance["staff"].username) as page:
        # when: Finance opens the settlement page on a 1024 px wide screen
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(f"{live_server.url}/orders/{order.pk}/settlement/")
        button = page.locator(f'tr[data-invoice="{invoice.pk}"] button[type=submit]')
        # then: the label stays on one line inside its button
        assert button.evaluate(BUTTON_FITS) == {"overflows": False, "lines": 1}
        # and each receipt field has a visible label
        first = page.locator('[data-testid="receipt-form"]').first
        for name in ("received_on", "amount", "method", "bank_reference"):
            field_id = first.locator(f'[name="{name}"]').get_attribute("id")
            assert first.locator(f'label[for="{field_id}"]').is_visible(), name
