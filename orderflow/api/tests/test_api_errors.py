"""Bad input answers 4xx with field-level messages and writes nothing (P2.2.1)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from orderflow.core import clock
from orderflow.orders.models import Attachment, Order, OrderLine
from orderflow.orders.services import order_create
from orderflow.testing.factories import order_payload

from .conftest import written

pytestmark = pytest.mark.django_db


def _refused(api, url, data, status=422):
    """POST data; assert the status and that no order and no audit event was written."""
    before = written()
    response = api.post(url, data)
    assert response.status_code == status, response.content
    assert written() == before
    body = response.json()
    assert body["code"] in {"validation_error", "malformed_request"}
    return body


def test_missing_fields(sales_api):
    body = _refused(sales_api, "/api/orders", {})

    assert body["errors"] == {
        "customer_id": ["This field is required."],
        "channel": ["This field is required."],
        "lines": ["Add at least one line."],
    }
    assert body["message"] == "Please correct the errors below."


@pytest.mark.parametrize("quantity", ["0", "-1", 0, -5, "-0.5"])
def test_zero_or_negative_quantity(sales_api, customer, products, quantity):
    lines = [{"product_id": products[0].pk, "quantity": quantity}]

    body = _refused(sales_api, "/api/orders", order_payload(customer, products, lines=lines))

    assert body["errors"] == {"lines.0.quantity": ["Must be greater than zero."]}


def test_every_bad_line_is_named(sales_api, customer, products):
    lines = [{"product_id": products[0].pk, "quantity": "2"},
             {"product_id": products[1].pk, "quantity": "abc", "unit_price": "-1"}]

    body = _refused(sales_api, "/api/orders", order_payload(customer, products, lines=lines))

    assert body["errors"] == {"lines.1.quantity": ["Enter a number."],
                              "lines.1.unit_price": ["Must be at least 0."]}


def test_delivery_before_order_date(sales_api, customer, products):
    payload = order_payload(customer, products, order_date="2030-03-10",
                            delivery_date="2030-03-09")

    body = _refused(sales_api, "/api/orders", payload)

    assert body["errors"] == {
        "delivery_date": ["The delivery date cannot be before the order date."]}


def test_bad_date_format(sales_api, customer, products):
    body = _refused(sales_api, "/api/orders",
                    order_payload(customer, products, delivery_date="31/12/2030"))

    assert body["errors"] == {"delivery_date": ["Enter a valid date (YYYY-MM-DD)."]}


def test_unknown_customer(sales_api, customer, products):
    body = _refused(sales_api, "/api/orders",
                    order_payload(customer, products, customer_id=987654))

    assert body["errors"] == {"customer_id": ["Unknown or unavailable: 987654."]}


def test_unknown_product(sales_api, customer, products):
    lines = [{"product_id": 987654, "quantity": "1", "unit_price": "10"}]

    body = _refused(sales_api, "/api/orders", order_payload(customer, products, lines=lines))

    assert body["errors"] == {"lines.0.product_id": ["Unknown product: 987654."]}


@pytest.mark.parametrize("raw", ['{"customer_id": 1, "lines": [', "not json", "\xff\xfe"])
def test_malformed_json(sales_api, raw):
    before = written()

    response = sales_api.post_raw("/api/orders", raw)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "malformed_request"
    assert response.json()["errors"] == {"__all__": ["The request body is not valid JSON."]}
    assert written() == before


def test_json_of_the_wrong_shape(sales_api):
    body = _refused(sales_api, "/api/orders", ["not", "an", "object"])

    assert body["errors"]["customer_id"] == ["This field is required."]


def test_wrongly_typed_field_is_named(sales_api, customer, products):
    body = _refused(sales_api, "/api/orders",
                    order_payload(customer, products, lines="two lines please"))

    assert list(body["errors"]) == ["lines"]


def test_bad_update_changes_nothing(salesperson, sales_api, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    before = written(), list(OrderLine.objects.filter(order=order).values_list("quantity"))
    lines = [{"product_id": products[0].pk, "quantity": "-3"}]

    response = sales_api.put(f"/api/orders/{order.pk}",
                             order_payload(customer, products, lines=lines))

    assert response.status_code == 422
    assert response.json()["errors"] == {"lines.0.quantity": ["Must be greater than zero."]}
    assert (written(), list(OrderLine.objects.filter(order=order).values_list("quantity"))) \
        == before
    assert Order.objects.get(pk=order.pk).version == 1


def _upload(api, order, name, content, kind="drawing"):
    before = written(), Attachment.objects.count()
    response = api.upload(f"/api/orders/{order.pk}/attachments",
                          file=SimpleUploadedFile(name, content), kind=kind)
    assert (written(), Attachment.objects.count()) == before
    return response


@override_settings(ORDERFLOW_ATTACHMENT_MAX_BYTES=100)
def test_oversized_attachment(salesperson, sales_api, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))

    response = _upload(sales_api, order, "drawing.pdf", b"x" * 101)

    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["The file is 101\xa0bytes; the limit is "
                                                  "100\xa0bytes."]}


def test_wrong_attachment_type(salesperson, sales_api, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))

    response = _upload(sales_api, order, "invoice.exe", b"MZ\x90\x00")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["file"]
    assert response.json()["errors"]["file"][0].startswith(
        "Files of type “exe” are not accepted.")


def test_attachment_without_file_or_kind(salesperson, sales_api, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    before = written()

    response = sales_api.upload(f"/api/orders/{order.pk}/attachments", kind="blueprint")

    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": ["Select a valid choice."],
                                         "file": ["Choose a file."]}
    assert written() == before


def test_bad_query_parameter_is_named(sales_api):
    response = sales_api.get("/api/orders", date_from="yesterday")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["date_from"]


def test_order_date_defaults_to_today(sales_api, customer, products):
    payload = order_payload(customer, products)
    del payload["order_date"]

    response = sales_api.post("/api/orders", payload)

    assert response.status_code == 201
    assert response.json()["order_date"] == clock.today().isoformat()


@pytest.mark.parametrize("url", ["/api/no-such-thing", "/api/orders/abc/settlement",
                                 "/api/orders/99999999999999999999999"])
def test_an_address_that_matches_nothing_is_a_json_404(sales_api, url):
    response = sales_api.get(url)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_a_method_the_address_does_not_take_is_a_json_405_with_allow(sales_api):
    response = sales_api.delete("/api/orders")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed",
                               "message": "This address does not take DELETE."}
    assert "GET" in response["Allow"]


def test_the_web_pages_keep_their_html_404(client, salesperson):
    client.force_login(salesperson)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and b"<html" in response.content
