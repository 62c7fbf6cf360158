"""In real Chromium: a salesperson records an order and runs the preliminary check (P2)."""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.orders.models import Order
from orderflow.testing.factories import ContactFactory, CustomerFactory, ProductFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_salesperson_records_order_runs_check_and_switches_language(live_server, page):
    # Given a salesperson, a customer with a contact, and two products
    make_user(Dept.SALES, Role.STAFF, username="sales1", full_name="张伟")
    customer = CustomerFactory(name="上海精工机械有限公司")
    ContactFactory(customer=customer, name="王经理", mobile="13812345678")
    pump, gearbox = ProductFactory(name="液压泵"), ProductFactory(name="齿轮箱")

    # When they log in
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "sales1")
    page.fill("#id_password", "pass12345!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    nav = page.locator("#sidebar-menu")
    assert nav.get_by_role("link", name="订单", exact=True).is_visible()

    # ... and record an order with two lines and a special requirement (P2.2.1, P2.2.2)
    page.goto(f"{live_server.url}/orders/new/")
    page.select_option("#f-customer", str(customer.pk))
    page.fill("#f-contact", "王经理")
    page.fill("#f-phone", "13812345678")
    page.fill("#f-delivery-date", (dt.date.today() + dt.timedelta(days=60)).isoformat())
    page.fill("#f-place", "上海市浦东新区张江路100号")
    page.select_option("select[name=lines-0-product_id]", str(pump.pk))
    page.fill("input[name=lines-0-quantity]", "2")
    page.click("[data-add-row=lines]")
    page.select_option("select[name=lines-1-product_id]", str(gearbox.pk))
    page.fill("input[name=lines-1-quantity]", "3")
    page.click("[data-add-row=special_requirements]")
    page.select_option("select[name=special_requirements-0-kind]", "packaging")
    page.fill("textarea[name=special_requirements-0-description]", "出口木箱包装，防潮")
    page.click("[data-testid=save-order]")

    # Then the order page shows it, with the special requirement flagged
    page.wait_for_selector("[data-testid=special-requirements]")
    page.wait_for_load_state("networkidle")  # htmx loads done before the test reads the DB
    order = Order.objects.get()
    assert page.url == f"{live_server.url}/orders/{order.pk}/"
    assert "出口木箱包装" in page.inner_text("[data-testid=special-requirements]")
    assert order.lines.count() == 2 and order.has_special_requirements

    # When they run the preliminary check (P2.3.1)
    page.click("[data-testid=order-actions] [data-action=check]")

    # Then the findings are explained and the order is checked
    report = page.wait_for_selector("[data-testid=check-report]")
    assert "信用" in report.inner_text()
    page.wait_for_load_state("networkidle")
    order.refresh_from_db()
    assert order.status == "checked"
    assert "已检查" in page.inner_text("[data-testid=order-status]")

    # When they switch the language to English
    page.select_option("[data-testid=language-switch]", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")

    # Then the same page speaks English
    assert "Checked" in page.inner_text("[data-testid=order-status]")
    nav = page.locator("#sidebar-menu")
    assert nav.get_by_role("link", name="Orders", exact=True).is_visible()
