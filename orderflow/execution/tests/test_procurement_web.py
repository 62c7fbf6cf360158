"""The procurement section of the work-package page (P5.2): it renders contracts and
forms for Procurement, forms post through the services, bad input comes back as field
errors (422), and people outside Procurement see no forms."""

import re
from decimal import Decimal

import pytest

from orderflow.execution.models import (
    IncomingInspection,
    PurchaseContract,
    SupplierCommunication,
    SupplierDelivery,
    SupplierReturn,
)

from .test_procurement_support import (  # noqa: F401 (the *_fixture are fixtures)
    counts,
    day,
    draft,
    english_fixture,
    inspect_all,
    line,
    lines_of,
    order_fixture,
    package_of,
    people_fixture,
    receive_all,
    signed,
    supplier_fixture,
)

pytestmark = pytest.mark.django_db


def page_url(order) -> str:
    return f"/work-packages/{package_of(order, 'procurement').pk}/"


def base(order) -> str:
    return f"{page_url(order)}procurement/"


def test_procurement_sees_the_section_with_its_forms(client, order, people, supplier):
    contract = draft(order, people["procurement"], supplier)
    client.force_login(people["procurement"])
    page = client.get(page_url(order))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="procurement-section"' in html and contract.number in html
    assert 'data-testid="contract-form"' in html and 'data-action="sign"' in html
    assert supplier.name in html


def test_others_see_contracts_but_no_forms(client, order, people, supplier):
    contract = signed(order, people["procurement"], supplier)
    receive_all(contract, people["procurement"])
    client.force_login(people["finance"])
    html = client.get(page_url(order)).content.decode()
    assert contract.number in html
    assert 'data-testid="contract-form"' not in html and 'data-action=' not in html
    assert 'data-testid="inspection-form"' not in html
    # Quality may inspect, nothing else (P5.2.3)
    client.force_login(people["quality"])
    html = client.get(page_url(order)).content.decode()
    assert 'data-testid="inspection-form"' in html and 'data-testid="delivery-form"' not in html


def test_the_create_form_drafts_a_contract_from_its_filled_rows(client, order, people,
                                                                supplier):
    client.force_login(people["procurement"])
    response = client.post(base(order) + "contracts/", {
        "supplier_id": supplier.pk, "contract_date": str(day()),
        "delivery_date": str(day(10)), "note": "",
        "lines-0-description": "钢材", "lines-0-quantity": "5", "lines-0-unit": "吨",
        "lines-0-unit_price": "4200", "lines-2-description": "焊丝",
        "lines-2-quantity": "20", "lines-2-unit": "kg", "lines-2-unit_price": "12.5"})
    assert response.status_code == 302 and response["Location"] == page_url(order)
    contract = PurchaseContract.objects.get()
    assert [ln.description for ln in lines_of(contract)] == ["钢材", "焊丝"]
    assert contract.total_amount == Decimal("21250.00")
    html = client.get(page_url(order)).content.decode()
    assert f"Purchase contract {contract.number} was drafted." in html


def test_bad_create_input_shows_field_errors_on_the_right_row_and_writes_nothing(
        client, order, people, supplier):
    client.force_login(people["procurement"])
    before = counts()
    response = client.post(base(order) + "contracts/", {
        "supplier_id": supplier.pk, "contract_date": str(day()),
        "delivery_date": str(day(-1)),
        "lines-3-description": "钢材", "lines-3-quantity": "-5", "lines-3-unit": "吨",
        "lines-3-unit_price": "4200"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "The delivery date cannot be before the contract date." in html
    row = re.search(r'<tr data-row="3">.*?</tr>', html, re.S).group(0)
    assert "Must be greater than zero." in row and 'value="-5"' in row
    assert counts() == before


def test_sign_record_delivery_inspect_return_and_close_through_the_page(client, order,
                                                                       people, supplier):
    contract = draft(order, people["procurement"], supplier, lines=[line()])
    client.force_login(people["procurement"])
    url = base(order) + f"contracts/{contract.pk}/"
    response = client.post(url + "sign/")
    assert response.status_code == 302 and response["Location"].endswith(
        f"#contract-{contract.pk}")
    assert PurchaseContract.objects.get().status == "signed"
    contract_line = lines_of(contract)[0]
    # over-receipt comes back on the line's input
    response = client.post(url + "deliveries/", {"received_on": str(day()), "note": "",
                                                 f"qty_{contract_line.pk}": "6"})
    assert response.status_code == 422
    assert "More than contracted: at most 5 is still outstanding." in response.content.decode()
    assert SupplierDelivery.objects.count() == 0
    response = client.post(url + "deliveries/", {"received_on": str(day()),
                                                 f"qty_{contract_line.pk}": "5"})
    assert response.status_code == 302
    item = SupplierDelivery.objects.get().lines.get()
    client.force_login(people["quality"])
    response = client.post(base(order) + f"delivery-lines/{item.pk}/inspection/", {
        "inspected_on": str(day()), "accepted_quantity": "5", "rejected_quantity": "1",
        "reason": "", "contract": contract.pk})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Accepted and rejected together must equal the delivered quantity (5)." in html
    response = client.post(base(order) + f"delivery-lines/{item.pk}/inspection/", {
        "inspected_on": str(day()), "accepted_quantity": "3", "rejected_quantity": "2",
        "reason": "锈蚀", "contract": contract.pk})
    assert response.status_code == 302
    inspection = IncomingInspection.objects.get()
    client.force_login(people["procurement"])
    response = client.post(base(order) + f"inspections/{inspection.pk}/returns/", {
        "kind": "return", "quantity": "2", "reason": "锈蚀", "contract": contract.pk})
    assert response.status_code == 302
    ret = SupplierReturn.objects.get()
    response = client.post(url + "close/")
    assert response.status_code == 302
    assert PurchaseContract.objects.get().status == "signed"   # refused: a return is open
    html = client.get(page_url(order)).content.decode()
    assert "The contract cannot be closed yet" in html
    assert client.post(base(order) + f"returns/{ret.pk}/close/", {
        "resolution": "已退货", "contract": contract.pk}).status_code == 302
    assert client.post(url + "close/").status_code == 302
    assert PurchaseContract.objects.get().status == "closed"


def test_communication_and_cancel_forms(client, order, people, supplier):
    contract = signed(order, people["procurement"], supplier)
    client.force_login(people["procurement"])
    url = base(order) + f"contracts/{contract.pk}/"
    response = client.post(url + "communications/", {"channel": "phone", "topic": "delay",
                                                     "occurred_at": "", "summary": ""})
    assert response.status_code == 422
    assert response.content.decode().count("This field is required.") >= 2
    response = client.post(url + "communications/", {
        "channel": "phone", "topic": "delay", "occurred_at": f"{day(-1)}T10:30",
        "summary": "供应商称延期", "outcome": "同意延期"})
    assert response.status_code == 302 and SupplierCommunication.objects.count() == 1
    response = client.post(url + "cancel/", {"reason": ""})
    assert response.status_code == 422
    assert client.post(url + "cancel/", {"reason": "需求取消"}).status_code == 302
    assert PurchaseContract.objects.get().status == "cancelled"
    assert client.post(url + "unknown/").status_code == 404


def test_sales_may_not_post_procurement_forms(client, order, people, supplier, salesperson):
    contract = draft(order, people["procurement"], supplier)
    client.force_login(salesperson)
    before = counts()
    assert client.post(base(order) + f"contracts/{contract.pk}/sign/").status_code == 403
    assert counts() == before


def test_the_order_page_shows_the_procurement_summary(client, order, people, supplier,
                                                      salesperson):
    contract = signed(order, people["procurement"], supplier, lines=[line()])
    inspect_all(receive_all(contract, people["procurement"]), people["quality"])
    client.force_login(salesperson)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "1 contracts, 1 received" in html
