"""Customers and products over JSON: list, detail, create (+ 422 field errors), edit,
contacts, import (multipart: counts, or 422 with row errors); 403 and 404."""

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.masterdata.models import Contact, Customer, Product
from orderflow.masterdata.tests.helpers import (
    CUSTOMER_HEADER_ZH,
    PRODUCT_HEADER_ZH,
    customer_row,
    product_row,
    xlsx_upload,
)
from orderflow.testing.factories import ContactFactory, CustomerFactory, ProductFactory, make_user

from .conftest import Api, token_api

pytestmark = pytest.mark.django_db

NEW_CUSTOMER = {"code": "K100", "name": "苏州精工机械有限公司", "tax_id": "91320500MA1X00001A",
                "address": "苏州市工业园区星湖街1号", "industry": "机械制造",
                "contacts": [{"name": "王经理", "phone": "0512-66001234",
                              "email": "wang@example.com"}]}


def _written():
    return Customer.objects.count(), Contact.objects.count(), Product.objects.count(), \
        AuditEvent.objects.count()


def test_create_customer_with_contacts(sales_api, salesperson):
    response = sales_api.post("/api/customers", NEW_CUSTOMER)
    body = response.json()
    assert response.status_code == 201
    assert (body["code"], body["tax_id"], body["credit_limit"], body["credit_available"],
            body["owner"]["id"]) == ("K100", "91320500MA1X00001A", "0.00", "0.00",
                                     salesperson.pk)
    assert [(c["name"], c["is_primary"]) for c in body["contacts"]] == [("王经理", True)]


def test_create_customer_with_bad_fields_is_422_and_writes_nothing(sales_api):
    CustomerFactory(tax_id="91320500MA1X00001A")
    before = _written()
    response = sales_api.post("/api/customers", {
        **NEW_CUSTOMER, "code": "", "contacts": [{"name": "王经理", "email": "nope"}]})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "code": ["This field is required."],
        "tax_id": ["A customer with this tax ID already exists."],
        "contacts.0.email": ["Enter a valid email address."]}
    assert _written() == before


def test_negative_credit_limit_is_422(sales_head):
    response = Api(sales_head).post("/api/customers", {**NEW_CUSTOMER, "credit_limit": -1})
    assert response.status_code == 422
    assert response.json()["errors"] == {"credit_limit": ["Must be at least 0."]}
    assert Customer.objects.count() == 0


def test_production_may_read_but_not_create(client):
    producer = make_user(Dept.PRODUCTION, Role.STAFF)
    CustomerFactory(code="C1")
    api = token_api(producer)
    body = api.get("/api/customers", q="C1").json()
    assert ([c["code"] for c in body["items"]], body["has_next"]) == (["C1"], False)
    response = api.post("/api/customers", NEW_CUSTOMER)
    assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
    assert Customer.objects.count() == 1


def test_customer_detail_and_404(sales_api):
    customer = CustomerFactory(credit_limit=Decimal("1000.00"),
                               receivables_outstanding=Decimal("250.50"))
    ContactFactory(customer=customer, name="李工")
    body = sales_api.get(f"/api/customers/{customer.pk}").json()
    assert (body["credit_available"], [c["name"] for c in body["contacts"]]) == \
        ("749.50", ["李工"])
    assert sales_api.get("/api/customers/987654").status_code == 404


def test_patch_customer_changes_only_the_fields_sent(sales_api, salesperson):
    customer = CustomerFactory(owner=salesperson, name="甲", address="旧地址")
    response = sales_api.client.patch(f"/api/customers/{customer.pk}", {"address": "新地址"},
                                      content_type="application/json")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.address) == ("甲", "新地址")


def test_owner_may_not_raise_credit_limit_over_api(sales_api, salesperson):
    customer = CustomerFactory(owner=salesperson, credit_limit=Decimal("10.00"))
    response = sales_api.put(f"/api/customers/{customer.pk}", {"credit_limit": "999999"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("10.00")


def test_contacts_over_api(sales_api, salesperson):
    customer = CustomerFactory(owner=salesperson)
    added = sales_api.post(f"/api/customers/{customer.pk}/contacts",
                           {"name": "李工", "mobile": "13912345678"})
    assert added.status_code == 201 and added.json()["is_primary"] is True
    url = f"/api/customers/{customer.pk}/contacts/{added.json()['id']}"
    assert sales_api.put(url, {"title": "总工"}).json()["title"] == "总工"
    bad = sales_api.put(url, {"email": "x@"})
    assert (bad.status_code, bad.json()["errors"]) == (422, {"email": [
        "Enter a valid email address."]})
    assert sales_api.delete(url).status_code == 204
    assert customer.contacts.count() == 0


def test_customer_import_over_api(sales_head):
    api = Api(sales_head)
    response = api.upload("/api/customers/import",
                          file=xlsx_upload(CUSTOMER_HEADER_ZH, [customer_row()]))
    assert response.status_code == 200
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0,
                               "created_codes": ["K001"], "updated_codes": []}


def test_customer_import_with_a_bad_row_is_422_with_rows(sales_head):
    api = Api(sales_head)
    response = api.upload("/api/customers/import", file=xlsx_upload(CUSTOMER_HEADER_ZH, [
        customer_row(), customer_row("K002", "乙", "9133", email="bad")]))
    body = response.json()
    assert response.status_code == 422
    assert body["rows"] == [{"row": 3, "column": "邮箱", "field": "contact_email",
                             "message": "Enter a valid email address."}]
    assert body["errors"] == {"rows.3.contact_email": ["Enter a valid email address."]}
    assert Customer.objects.count() == 0


def test_import_without_file_is_422_and_salesperson_is_403(sales_api, sales_head):
    response = Api(sales_head).upload("/api/customers/import")
    assert response.status_code == 422 and "file" in response.json()["errors"]
    response = sales_api.upload("/api/customers/import",
                                file=xlsx_upload(CUSTOMER_HEADER_ZH, [customer_row()]))
    assert response.status_code == 403
    assert Customer.objects.count() == 0


def test_products_over_api():
    engineer = make_user(Dept.TECHNOLOGY, Role.STAFF)
    api = token_api(engineer)
    response = api.post("/api/products", {"code": "H1", "name": "液压泵", "unit": "台",
                                          "standard_price": "12800", "min_lead_days": 20})
    body = response.json()
    assert response.status_code == 201
    assert (body["kind"], body["standard_price"], body["min_lead_days"]) == \
        ("product", "12800.00", 20)
    response = api.put(f"/api/products/{body['id']}", {"is_active": False})
    assert response.json()["is_active"] is False
    assert api.get("/api/products").json()["items"] == []
    assert [p["code"] for p in api.get("/api/products", status="all").json()["items"]] == ["H1"]


def test_bad_product_is_422_and_writes_nothing():
    api = token_api(make_user(Dept.TECHNOLOGY, Role.STAFF))
    before = _written()
    response = api.post("/api/products", {"code": "H1", "name": "液压泵", "unit": "台",
                                          "standard_price": -5, "min_lead_days": -1})
    assert response.status_code == 422
    assert response.json()["errors"] == {"standard_price": ["Must be at least 0."],
                                         "min_lead_days": ["Must be at least 0."]}
    assert _written() == before


def test_salesperson_may_not_edit_products(sales_api):
    product = ProductFactory(name="旧")
    assert sales_api.put(f"/api/products/{product.pk}", {"name": "新"}).status_code == 403
    assert sales_api.get(f"/api/products/{product.pk}").json()["name"] == "旧"
    assert sales_api.get("/api/products/424242").status_code == 404


def test_product_import_over_api(sales_head):
    response = Api(sales_head).upload("/api/products/import", file=xlsx_upload(
        PRODUCT_HEADER_ZH, [product_row(), product_row("H2", price=-1)]))
    assert response.status_code == 422
    assert [(r["row"], r["column"]) for r in response.json()["rows"]] == [(3, "标准价格")]
    assert Product.objects.count() == 0
