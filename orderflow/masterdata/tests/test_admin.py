"""Django admin for master data: saves through the services (validated, audited, rules)."""

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.masterdata.models import Customer, Product
from orderflow.testing.factories import ContactFactory, CustomerFactory, ProductFactory, make_user

pytestmark = pytest.mark.django_db

CUSTOMER = {"code": "K100", "name": "苏州精工机械有限公司", "tax_id": "91320500MA1X00001A",
            "address": "苏州市", "industry": "机械制造", "is_active": "on",
            "credit_rating": "A", "credit_limit": "100000", "receivables_outstanding": "0"}


def _contacts(*rows, initial=0) -> dict:
    data = {"contacts-TOTAL_FORMS": str(len(rows)), "contacts-INITIAL_FORMS": str(initial),
            "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"contacts-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, is_staff=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_admin_adds_customer_with_contact_through_the_service(admin_client, salesperson):
    response = admin_client.post("/admin/masterdata/customer/add/", {
        **CUSTOMER, "owner": salesperson.pk,
        **_contacts({"name": "王经理", "phone": "0512-1", "email": ""})})
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.owner_id, customer.credit_limit) == (salesperson.pk, Decimal("100000.00"))
    assert list(customer.contacts.values_list("name", "is_primary")) == [("王经理", True)]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == \
        ["customer.created", "customer.contact_added"]


def test_admin_form_shows_service_errors_and_writes_nothing(admin_client):
    CustomerFactory(code="OTHER", tax_id="91320500MA1X00001A")
    response = admin_client.post("/admin/masterdata/customer/add/", {
        **CUSTOMER, "credit_limit": "-1", **_contacts({"name": "王经理", "email": "bad"})})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A customer with this tax ID already exists." in html
    assert "Must be at least 0." in html
    assert "Enter a valid email address." in html
    assert Customer.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_finance_edits_credit_terms_in_admin_only(client, salesperson):
    finance = make_user(Dept.FINANCE, Role.STAFF, is_staff=True)
    customer = CustomerFactory(owner=salesperson, name="甲", credit_limit=Decimal("1.00"))
    ContactFactory(customer=customer)
    client.force_login(finance)
    page = client.get(f"/admin/masterdata/customer/{customer.pk}/change/").content.decode()
    assert 'name="credit_limit"' in page and 'name="name"' not in page
    response = client.post(f"/admin/masterdata/customer/{customer.pk}/change/", {
        "credit_rating": "C", "credit_limit": "500", "receivables_outstanding": "20",
        "name": "乙", **_contacts()})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.credit_rating, customer.credit_limit) == \
        ("甲", "C", Decimal("500.00"))
    (event,) = AuditEvent.objects.all()
    assert event.action == "customer.updated"


def test_admin_product_edit_and_no_delete(admin_client):
    product = ProductFactory(code="P1", name="旧", standard_price=Decimal("10.00"))
    response = admin_client.post(f"/admin/masterdata/product/{product.pk}/change/", {
        "code": "P1", "name": "新", "kind": "product", "specification": "", "unit": "台",
        "standard_price": "12.5", "standard_cost": "1", "min_lead_days": "3"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.standard_price, product.is_active) == \
        ("新", Decimal("12.50"), False)
    assert admin_client.get(f"/admin/masterdata/product/{product.pk}/delete/").status_code \
        == 403
    page = admin_client.get("/admin/masterdata/product/?q=P1").content.decode()
    assert "新" in page


def test_sales_staff_may_not_add_products_in_admin(client):
    client.force_login(make_user(Dept.SALES, Role.STAFF, is_staff=True))
    response = client.post("/admin/masterdata/product/add/", {
        "code": "P9", "name": "x", "kind": "product", "unit": "台", "standard_price": "1",
        "standard_cost": "0", "min_lead_days": "0", "is_active": "on"})
    assert response.status_code == 403
    assert Product.objects.count() == 0
