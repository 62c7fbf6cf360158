"""Order pages (P2.1.1, P2.2.1, P2.2.2, P2.3): list, form, detail, actions, through the client."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.intake.models import CheckReport, CustomerCommunication, LeadStatus
from orderflow.intake.services import lead_create
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Attachment, Order
from orderflow.orders.services import order_create
from orderflow.testing.factories import CustomerFactory, make_user, order_payload

pytestmark = pytest.mark.django_db



def form_data(customer, products, **overrides) -> dict:
    """What the order form posts: two lines, 30/70 terms, one special requirement."""
    today = clock.today()
    data = {
        "customer_id": str(customer.pk), "contact_name": "王经理",
        "contact_phone": "13812345678", "customer_po": "PO-7781", "channel": "phone",
        "order_date": today.isoformat(),
        "delivery_date": (today + dt.timedelta(days=60)).isoformat(),
        "delivery_place": "上海市浦东新区张江路100号", "tax_rate": "0.13", "notes": "",
        "lines-0-product_id": str(products[0].pk), "lines-0-quantity": "2",
        "lines-0-unit_price": "", "lines-0-unit": "", "lines-0-specification": "",
        "lines-0-description": "",
        "lines-1-product_id": str(products[1].pk), "lines-1-quantity": "3",
        "lines-1-unit_price": "950.00", "lines-1-unit": "", "lines-1-specification": "",
        "lines-1-description": "",
        # a row the user added and left empty: ignored
        "lines-2-product_id": "", "lines-2-quantity": "", "lines-2-unit_price": "",
        "lines-2-unit": "", "lines-2-specification": "", "lines-2-description": "",
        "instalments-0-percent": "30", "instalments-0-trigger": "on_order",
        "instalments-0-days": "0",
        "instalments-1-percent": "70", "instalments-1-trigger": "after_delivery",
        "instalments-1-days": "30",
        "special_requirements-0-kind": "packaging",
        "special_requirements-0-description": "出口木箱包装，防潮",
    }
    data.update(overrides)
    return data


def error_for(html: str, path: str) -> str:
    """The message shown next to the input of a service field path ("" if none)."""
    match = re.search(rf'data-error-for="{re.escape(path)}">([^<]*)<', html)
    return match[1] if match else ""


def special_block(html: str) -> str:
    match = re.search(r'class="alert special-requirements.*?</ul>', html, re.S)
    return match[0] if match else ""


# Create

@pytest.mark.e2e
def test_create_order_through_the_form_shows_its_special_requirement(
        client_as, salesperson, customer, products):
    # given a salesperson on the order form
    client = client_as(salesperson)
    assert client.get("/orders/new/").status_code == 200
    # when they post two lines and a special requirement
    response = client.post("/orders/new/", form_data(customer, products))
    # then the draft exists with both lines and the flag, and its page shows the requirement
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.status == State.DRAFT
    assert order.salesperson == salesperson
    assert [(str(ln.quantity), str(ln.unit_price)) for ln in order.lines.all()] == [
        ("2.000", "1000.00"), ("3.000", "950.00")]
    assert (order.total_net, order.total_tax, order.total_gross) == (
        Decimal("4850.00"), Decimal("630.50"), Decimal("5480.50"))
    assert order.has_special_requirements  # P2.2.2
    html = client.get(response["Location"]).content.decode()
    assert "出口木箱包装，防潮" in special_block(html)
    assert "Packaging" in special_block(html)
    assert "¥5,480.50" in html
    assert "30%" in html and "70%" in html


def test_bad_post_rerenders_with_messages_next_to_the_inputs_and_writes_nothing(
        client_as, salesperson, customer, products):
    client = client_as(salesperson)
    today = clock.today()
    bad = form_data(customer, products, **{
        "lines-1-quantity": "0",
        "delivery_date": (today - dt.timedelta(days=3)).isoformat(),
        "instalments-1-percent": "abc",
        "delivery_place": "苏州工业园区星湖街328号"})
    response = client.post("/orders/new/", bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert error_for(html, "lines.1.quantity") == "Must be greater than zero."
    assert error_for(html, "delivery_date") == \
        "The delivery date cannot be before the order date."
    assert error_for(html, "instalments.1.percent") == "Enter a number."
    assert error_for(html, "lines.0.quantity") == ""
    # what the user typed is still there
    assert 'value="苏州工业园区星湖街328号"' in html
    assert 'name="lines-1-quantity" value="0"' in html
    assert "出口木箱包装，防潮" in html
    assert Order.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_unknown_customer_and_no_lines_are_reported(client_as, salesperson, customer, products):
    client = client_as(salesperson)
    data = {k: v for k, v in form_data(customer, products, customer_id="999999").items()
            if not k.startswith("lines-")}
    html = client.post("/orders/new/", data).content.decode()
    assert error_for(html, "customer_id") == "Unknown or unavailable: 999999."
    assert error_for(html, "lines") == "Add at least one line."
    assert Order.objects.count() == 0


def test_only_sales_may_open_the_order_form(client_as, division_leader):
    assert client_as(division_leader).get("/orders/new/").status_code == 403


def test_pages_need_a_login(client, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    for url in ("/orders/", "/orders/new/", f"/orders/{order.pk}/",
                f"/orders/{order.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# Lead conversion (P2.1.2)

@pytest.mark.e2e
def test_order_from_a_lead_is_prefilled_and_converts_the_lead(
        client_as, salesperson, sales_head, customer, products):
    lead = lead_create(actor=sales_head, assigned_to_id=salesperson.pk, channel="trade_show",
                       company_name=customer.name, customer_id=customer.pk,
                       contact_name="陈经理", contact_phone="13900001111")
    client = client_as(salesperson)
    html = client.get(f"/orders/new/?lead={lead.pk}").content.decode()
    assert 'value="陈经理"' in html and 'value="13900001111"' in html
    assert f'name="lead" value="{lead.pk}"' in html
    response = client.post("/orders/new/", form_data(customer, products, lead=str(lead.pk),
                                                     channel="phone"))
    order = Order.objects.get()
    lead.refresh_from_db()
    assert response.status_code == 302
    assert order.lead_id == lead.pk
    assert order.channel == "trade_show"  # P2.1.3 the lead's channel stays
    assert lead.status == LeadStatus.CONVERTED


def test_someone_elses_lead_cannot_be_converted(client_as, salesperson, sales_head, customer):
    other = make_user(Dept.SALES, Role.STAFF, username="sales2")
    lead = lead_create(actor=sales_head, assigned_to_id=other.pk, channel="online",
                       company_name="某公司", contact_phone="13900001111")
    assert client_as(salesperson).get(f"/orders/new/?lead={lead.pk}").status_code == 404


# Edit

@pytest.mark.e2e
def test_edit_records_field_changes_shown_in_the_timeline(
        client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    client = client_as(salesperson)
    html = client.get(f"/orders/{order.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity" value="2"' in html
    data = form_data(customer, products, version=str(order.version),
                     **{"lines-0-quantity": "5", "lines-1-quantity": "2",
                        "lines-1-unit_price": "1000.00"})
    response = client.post(f"/orders/{order.pk}/edit/", data)
    order.refresh_from_db()
    assert response.status_code == 302
    assert order.version == 2
    assert order.lines.get(position=1).quantity == Decimal("5")
    html = client.get(f"/orders/{order.pk}/").content.decode()
    timeline = html[html.index('data-testid="timeline"'):]
    assert "Order edited" in timeline
    assert "Line 1 · quantity:</span> 2 → 5</li>" in timeline
    assert "Special requirement 1 · kind:</span> — → Packaging</li>" in timeline


def test_edit_form_shows_stored_numbers_as_typed(client_as, salesperson, customer, products):
    payload = order_payload(customer, products[:1], tax_rate="0.09",
                            instalments=[{"percent": "100", "trigger": "on_order", "days": 0}])
    payload["lines"][0]["quantity"] = "100"
    order = order_create(actor=salesperson, **payload)
    html = client_as(salesperson).get(f"/orders/{order.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity" value="100"' in html
    assert 'name="instalments-0-percent" value="100"' in html
    assert '<option value="0.09" selected>9%</option>' in html


def test_edit_with_a_stale_version_changes_nothing(client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    client = client_as(salesperson)
    data = form_data(customer, products, version="7", **{"lines-0-quantity": "9"})
    response = client.post(f"/orders/{order.pk}/edit/", data)
    order.refresh_from_db()
    assert response.status_code == 200
    assert "Someone else changed this at the same time" in response.content.decode()
    assert order.version == 1
    assert order.lines.get(position=1).quantity == Decimal("2")


def test_a_checked_order_cannot_be_edited(client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    Order.objects.filter(pk=order.pk).update(status=State.CHECKED)
    client = client_as(salesperson)
    response = client.get(f"/orders/{order.pk}/edit/")
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    data = form_data(customer, products, version="1", **{"lines-0-quantity": "9"})
    client.post(f"/orders/{order.pk}/edit/", data)
    assert order.lines.get(position=1).quantity == Decimal("2")
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/orders/{order.pk}/edit/"' not in html


# Detail, check and actions

def test_check_through_the_action_button_shows_the_findings(
        client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    client = client_as(salesperson)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'action="/orders/{order.pk}/actions/check/"' in html
    response = client.post(f"/orders/{order.pk}/actions/check/")
    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == State.CHECKED
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-state="checked"' in html
    report = html[html.index('data-testid="check-report"'):]
    assert "All required information is present." in report
    assert re.findall(r'data-finding="(\w+)" data-severity="(\w+)"', report) == [
        ("complete", "ok"), ("credit_ok", "ok"), ("delivery_ok", "ok")]
    assert "Run preliminary check" in html[html.index('data-testid="timeline"'):]


def test_doubtful_finding_confirmed_in_the_communication_log(
        client_as, salesperson, customer, products):
    # given an order whose second line is half the standard price: doubtful (P2.3.2)
    payload = order_payload(customer, products)
    payload["lines"][1]["unit_price"] = "500"
    order = order_create(actor=salesperson, **payload)
    client = client_as(salesperson)
    client.post(f"/orders/{order.pk}/actions/check/")
    order.refresh_from_db()
    assert order.status == State.AWAITING_CUSTOMER
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-finding="price_deviation" data-severity="doubtful"' in html
    assert 'value="price_deviation:lines.2.unit_price"' in html
    # when the customer confirms it and the check runs again
    client.post(f"/orders/{order.pk}/communications/", {
        "channel": "phone", "summary": "客户确认特价",
        "confirmed_findings": ["price_deviation:lines.2.unit_price"]})
    client.post(f"/orders/{order.pk}/actions/check/")
    order.refresh_from_db()
    # then the order passes and the log shows the contact
    assert order.status == State.CHECKED
    assert CustomerCommunication.objects.get().confirmed_findings == [
        "price_deviation:lines.2.unit_price"]
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "客户确认特价" in html
    assert "confirmed by the customer" in html
    assert "1 earlier check" in html


def test_communication_without_summary_rerenders_with_the_message(
        client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    client = client_as(salesperson)
    response = client.post(f"/orders/{order.pk}/communications/",
                           {"channel": "phone", "summary": " "})
    assert response.status_code == 200
    assert error_for(response.content.decode(), "summary") == "This field is required."
    assert CustomerCommunication.objects.count() == 0


def test_escalated_order_is_decided_with_a_mandatory_reason(
        client_as, salesperson, division_leader, products):
    poor = CustomerFactory(credit_rating="D")
    order = order_create(actor=salesperson, **order_payload(poor, products))
    client_as(salesperson).post(f"/orders/{order.pk}/actions/check/")
    order.refresh_from_db()
    assert order.status == State.ESCALATED
    client = client_as(division_leader)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="escalation-decision"' in html
    assert "Credit rating D is poor" in html
    # without a reason nothing happens
    response = client.post(f"/orders/{order.pk}/actions/accept_escalation/", {"reason": ""},
                           follow=True)
    order.refresh_from_db()
    assert order.status == State.ESCALATED
    assert "Please give a reason." in response.content.decode()
    client.post(f"/orders/{order.pk}/actions/accept_escalation/",
                {"reason": "长期客户，预付款已到"})
    order.refresh_from_db()
    assert order.status == State.CHECKED
    assert "长期客户，预付款已到" in client.get(f"/orders/{order.pk}/").content.decode()


def test_action_buttons_come_from_the_table(client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    html = client_as(salesperson).get(f"/orders/{order.pk}/").content.decode()
    buttons = html[html.index('data-testid="order-actions"'):html.index("</div>", html.index(
        'data-testid="order-actions"'))]
    # draft: check (plain) and cancel (needs a reason: a modal), nothing else
    assert re.findall(r'data-action="(\w+)"', buttons) == ["check", "cancel"]
    assert 'id="action-cancel"' in html


def test_cancel_needs_a_reason(client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    client = client_as(salesperson)
    client.post(f"/orders/{order.pk}/actions/cancel/", {"reason": ""})
    order.refresh_from_db()
    assert order.status == State.DRAFT
    client.post(f"/orders/{order.pk}/actions/cancel/", {"reason": "客户取消"})
    order.refresh_from_db()
    assert order.status == State.CANCELLED


def test_another_salesperson_gets_404_and_changes_nothing(
        client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    other = client_as(make_user(Dept.SALES, Role.STAFF, username="sales2"))
    assert other.get(f"/orders/{order.pk}/").status_code == 404
    assert other.get(f"/orders/{order.pk}/edit/").status_code == 404
    assert other.post(f"/orders/{order.pk}/actions/check/").status_code == 404
    assert other.post(f"/orders/{order.pk}/communications/",
                      {"channel": "phone", "summary": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.status == State.DRAFT
    assert CheckReport.objects.count() == 0
    assert "SO-" not in other.get("/orders/").content.decode()


# Attachments

def test_attachment_upload_download_and_bad_type(client_as, salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    client = client_as(salesperson)
    upload = SimpleUploadedFile("客户订单.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    client.post(f"/orders/{order.pk}/attachments/", {"kind": "purchase_order", "file": upload})
    attachment = Attachment.objects.get()
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "客户订单.pdf" in html
    download = client.get(f"/orders/{order.pk}/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 scan"
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(f"/orders/{order.pk}/attachments/", {"kind": "other", "file": bad})
    assert response.status_code == 200
    assert "are not accepted" in error_for(response.content.decode(), "file")
    assert Attachment.objects.count() == 1
    client.post(f"/orders/{order.pk}/attachments/{attachment.pk}/remove/")
    assert Attachment.objects.count() == 0


# The list

def _orders(salesperson, customer, products, n):
    return [order_create(actor=salesperson, **order_payload(customer, products))
            for _ in range(n)]


def test_list_filters_by_status(client_as, salesperson, customer, products):
    draft, checked, cancelled = _orders(salesperson, customer, products, 3)
    Order.objects.filter(pk=checked.pk).update(status=State.CHECKED)
    Order.objects.filter(pk=cancelled.pk).update(status=State.CANCELLED)
    client = client_as(salesperson)

    def numbers(query):
        html = client.get(f"/orders/{query}").content.decode()
        return re.findall(r'data-order="([^"]+)"', html)

    assert numbers("") == [cancelled.number, checked.number, draft.number]
    assert numbers("?status=checked") == [checked.number]
    assert numbers("?status=checked&status=draft") == [checked.number, draft.number]
    assert numbers("?q=" + draft.number) == [draft.number]


def test_list_filters_by_special_requirements_and_amount(
        client_as, salesperson, customer, products):
    plain = order_create(actor=salesperson, **order_payload(customer, products))
    flagged = order_create(actor=salesperson, **order_payload(
        customer, products[:1], special_requirements=[{"kind": "transport",
                                                       "description": "铁路运输"}]))
    client = client_as(salesperson)
    html = client.get("/orders/?special=1").content.decode()
    assert re.findall(r'data-order="([^"]+)"', html) == [flagged.number]
    assert 'data-special="1"' in html
    html = client.get("/orders/?amount_min=3000").content.decode()
    assert re.findall(r'data-order="([^"]+)"', html) == [plain.number]  # 4,520.00 vs 2,260.00


def test_htmx_filter_returns_only_the_table(client_as, salesperson, customer, products):
    _orders(salesperson, customer, products, 1)
    response = client_as(salesperson).get("/orders/?status=draft", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="order-table"' in html
    assert "HX-Request" in response["Vary"]


def test_list_pages_with_previous_and_next(client_as, salesperson, customer, products,
                                           settings):
    settings.ORDERFLOW_PAGE_SIZE = 2
    orders = _orders(salesperson, customer, products, 3)
    client = client_as(salesperson)
    first = client.get("/orders/").content.decode()
    second = client.get("/orders/?page=2").content.decode()
    assert re.findall(r'data-order="([^"]+)"', first) == [orders[2].number, orders[1].number]
    assert re.findall(r'data-order="([^"]+)"', second) == [orders[0].number]
    # the pager's links swap only the table, like the filters (shared _pager.html)
    assert ('<a class="page-link" href="?page=2" hx-get="?page=2" hx-target="#order-table" '
            'hx-push-url="true">') in first


def test_list_query_count_does_not_grow_with_the_orders(
        client_as, salesperson, customer, products):
    client = client_as(salesperson)
    _orders(salesperson, customer, products, 5)
    client.get("/orders/")  # warm the session
    with CaptureQueriesContext(connection) as five:
        assert client.get("/orders/").status_code == 200
    _orders(salesperson, CustomerFactory(), products, 25)
    with CaptureQueriesContext(connection) as thirty:
        html = client.get("/orders/").content.decode()
    assert len(re.findall(r'data-order="', html)) == 25
    assert len(thirty) == len(five)
    assert len(thirty) <= 13   # 13th: who may see prices (P9.2.2), once per request


def test_detail_query_count_does_not_grow_with_lines(client_as, salesperson, customer):
    from orderflow.testing.factories import ProductFactory

    few = order_create(actor=salesperson, **order_payload(customer, [ProductFactory()]))
    many = order_create(actor=salesperson, **order_payload(
        customer, [ProductFactory() for _ in range(8)]))
    client = client_as(salesperson)
    client.get(f"/orders/{few.pk}/")
    with CaptureQueriesContext(connection) as one_line:
        client.get(f"/orders/{few.pk}/")
    with CaptureQueriesContext(connection) as eight_lines:
        client.get(f"/orders/{many.pk}/")
    assert len(eight_lines) == len(one_line)


def test_customer_filter_options_are_escaped_and_keep_the_selection(client_as, salesperson,
                                                                    sales_head):
    # Given customers, one with markup in its name
    from orderflow.testing.factories import CustomerFactory

    evil = CustomerFactory(name='<b>"甲"</b>')
    other = CustomerFactory(name="乙公司")
    # When the Sales head filters the order list by that customer
    html = client_as(sales_head).get(f"/orders/?customer={evil.pk}").content.decode()
    # Then its option is selected and escaped; the other is offered, not selected
    assert (f'<option value="{evil.pk}" selected>&lt;b&gt;&quot;甲&quot;&lt;/b&gt;</option>'
            in html)
    assert f'<option value="{other.pk}">乙公司</option>' in html
