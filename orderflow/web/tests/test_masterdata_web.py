"""Customer and product pages: lists, forms, customer page with contacts and credit,
imports, templates, exports; 403 for those who may not, 404 for what does not exist."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.masterdata.models import Contact, Customer, Product
from orderflow.masterdata.tests.helpers import (
    CUSTOMER_HEADER_ZH,
    PRODUCT_HEADER_ZH,
    customer_row,
    product_row,
    xlsx_upload,
)
from orderflow.orders.services import order_create
from orderflow.testing.factories import (
    ContactFactory,
    CustomerFactory,
    ProductFactory,
    make_user,
    order_payload,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def browser(client, user):
    """A logged-in client that asks for English pages."""
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def engineer():
    return make_user(Dept.TECHNOLOGY, Role.STAFF, username="tech1")


@pytest.fixture
def producer():
    return make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")


@pytest.fixture
def finance():
    return make_user(Dept.FINANCE, Role.STAFF, username="fin1")


def customer_fields(**overrides) -> dict:
    data = {"code": "K100", "name": "苏州精工机械有限公司", "tax_id": "91320500MA1X00001A",
            "address": "苏州市工业园区星湖街1号", "industry": "机械制造",
            "contact_name": "王经理", "contact_phone": "0512-66001234", "contact_email": ""}
    data.update(overrides)
    return data


# --- customers: list ---------------------------------------------------------------------

def test_everyone_may_see_customers_but_only_sales_gets_the_buttons(client, producer,
                                                                    sales_head):
    CustomerFactory(code="C1", name="甲机械")
    page = browser(client, producer).get("/customers/").content.decode()
    assert 'data-customer="C1"' in page
    assert 'data-testid="new-customer"' not in page and 'data-testid="import"' not in page
    page = browser(client, sales_head).get("/customers/").content.decode()
    assert 'data-testid="new-customer"' in page and 'data-testid="import"' in page


@pytest.mark.parametrize(("query", "shown"), [
    ("", ["C1", "C2"]),
    ("?q=乙", ["C2"]),
    ("?q=李四", ["C1"]),       # a contact's name
    ("?status=inactive", ["C3"]),
    ("?status=all", ["C1", "C2", "C3"]),
    ("?status=bogus", ["C1", "C2"]),
])
def test_customer_search_and_status(client, salesperson, query, shown):
    ContactFactory(customer=CustomerFactory(code="C1", name="甲机械"), name="李四")
    CustomerFactory(code="C2", name="乙电气")
    CustomerFactory(code="C3", name="丙停用", is_active=False)
    html = browser(client, salesperson).get("/customers/" + query).content.decode()
    assert [c for c in ("C1", "C2", "C3") if f'data-customer="{c}"' in html] == shown


def test_customer_list_pages_with_bounded_queries(client, salesperson,
                                                  django_assert_max_num_queries):
    owners = [salesperson, make_user(Dept.SALES, Role.STAFF)]
    for i in range(30):
        CustomerFactory(code=f"C{i:03d}", owner=owners[i % 2])
    browser(client, salesperson)
    with django_assert_max_num_queries(12):  # the nav asks for the roles and prices (P9.2.2)
        first = client.get("/customers/").content.decode()
    second = client.get("/customers/?page=2").content.decode()
    assert (first.count("data-customer="), second.count("data-customer=")) == (25, 5)


def test_pages_need_a_login(client):
    response = client.get("/customers/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- customers: create and edit ----------------------------------------------------------

def test_salesperson_creates_a_customer_with_a_contact(client, salesperson):
    page = browser(client, salesperson).get("/customers/new/").content.decode()
    assert 'name="owner_id"' not in page and 'data-testid="credit-readonly"' in page
    response = client.post("/customers/new/", customer_fields())
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert (customer.code, customer.owner_id, customer.credit_limit) == \
        ("K100", salesperson.pk, Decimal("0.00"))
    assert list(customer.contacts.values_list("name", "phone", "is_primary")) == \
        [("王经理", "0512-66001234", True)]


def test_bad_customer_form_shows_field_errors_and_writes_nothing(client, salesperson):
    CustomerFactory(tax_id="91320500MA1X00001A")
    response = browser(client, salesperson).post("/customers/new/", customer_fields(
        code="", contact_phone="", contact_email="bad"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-for="code"' in html and "This field is required." in html
    assert 'data-error-for="tax_id"' in html
    assert "A customer with this tax ID already exists." in html
    assert 'data-error-for="contact_email"' in html and "Enter a valid email address." in html
    assert 'value="苏州精工机械有限公司"' in html  # what the user typed stays
    assert Customer.objects.count() == 1


def test_production_may_not_open_customer_forms(client, producer, salesperson):
    customer = CustomerFactory(owner=salesperson)
    browser(client, producer)
    assert client.get("/customers/new/").status_code == 403
    assert client.post("/customers/new/", customer_fields()).status_code == 403
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == 403
    assert Customer.objects.count() == 1


def test_unknown_customer_is_404(client, salesperson):
    browser(client, salesperson)
    assert client.get("/customers/999999/").status_code == 404
    assert client.get("/customers/999999/edit/").status_code == 404


def test_finance_edits_only_the_credit_terms(client, finance, salesperson):
    customer = CustomerFactory(owner=salesperson, name="甲机械", credit_limit=Decimal("10"))
    page = browser(client, finance).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'name="name"' in page and 'value="甲机械"' in page
    assert page.count(" disabled") >= 5  # code, name, tax ID, address, industry
    response = client.post(f"/customers/{customer.pk}/edit/", {
        "credit_rating": "C", "credit_limit": "300000", "receivables_outstanding": "5000"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.credit_rating, customer.credit_limit) == \
        ("甲机械", "C", Decimal("300000.00"))


def test_owner_may_not_sneak_in_a_credit_limit(client, salesperson):
    customer = CustomerFactory(owner=salesperson, credit_limit=Decimal("10.00"))
    response = browser(client, salesperson).post(f"/customers/{customer.pk}/edit/",
                                                 {"credit_limit": "9999999"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("10.00")


# --- customer page -----------------------------------------------------------------------

def test_customer_page_shows_credit_contacts_and_recent_orders(client, salesperson,
                                                               products):
    customer = CustomerFactory(owner=salesperson, credit_limit=Decimal("100000"),
                               receivables_outstanding=Decimal("130000.50"))
    ContactFactory(customer=customer, name="王经理")
    order = order_create(actor=salesperson, **order_payload(customer, products))
    html = browser(client, salesperson).get(f"/customers/{customer.pk}/").content.decode()
    assert '<div class="datagrid-content money" data-testid="credit-limit">¥100,000.00' in html
    assert "¥130,000.50" in html
    assert 'data-testid="credit-available">-¥30,000.50' in html
    assert "王经理" in html and order.number in html
    assert 'data-testid="edit-customer"' in html and 'data-testid="contact-add"' in html


def test_customer_page_hides_edit_buttons_and_invisible_orders(client, salesperson,
                                                               products):
    customer = CustomerFactory(owner=salesperson)
    order = order_create(actor=salesperson, **order_payload(customer, products))
    other = make_user(Dept.SALES, Role.STAFF)
    html = browser(client, other).get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="edit-customer"' not in html
    assert 'data-testid="contact-add"' not in html
    assert order.number not in html


def test_customer_page_lists_field_changes(client, sales_head):
    browser(client, sales_head).post("/customers/new/", customer_fields())
    customer = Customer.objects.get()
    client.post(f"/customers/{customer.pk}/edit/", {"address": "新地址"})
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-action="customer.updated"' in html
    assert "address: 苏州市工业园区星湖街1号 → 新地址" in html


def test_customer_history_shows_labels_not_stored_values(client, sales_head):
    # given a customer whose rating, owner and a contact were changed
    browser(client, sales_head).post("/customers/new/", customer_fields())
    customer = Customer.objects.get()
    client.post(f"/customers/{customer.pk}/edit/", {
        "credit_rating": "A", "credit_limit": "5000", "owner_id": str(sales_head.pk)})
    contact = customer.contacts.get()
    client.post(f"/customers/{customer.pk}/contacts/{contact.pk}/edit/", {"name": "王总"})
    # when the customer page is opened
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    # then choices, money and users read as labels, fields by their (own model's) names
    assert "credit rating: B · good → A · excellent" in html
    assert "credit limit: ¥0.00 → ¥5,000.00" in html
    assert f"account owner: — → {sales_head.display_name}" in html
    assert "contact name: 王经理 → 王总" in html
    assert "name: — → 苏州精工机械有限公司" in html and "contact name: — → 苏州" not in html


# --- contacts ----------------------------------------------------------------------------

def test_contact_add_with_htmx_returns_the_contacts_card(client, salesperson):
    customer = CustomerFactory(owner=salesperson)
    response = browser(client, salesperson).post(
        f"/customers/{customer.pk}/contacts/add/",
        {"name": "李工", "mobile": "13912345678", "is_primary": "0"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div class="card mb-3" id="contacts"')
    assert "李工" in html and "13912345678" in html
    assert list(customer.contacts.values_list("name", "is_primary")) == [("李工", True)]


def test_contact_add_errors_stay_in_the_card(client, salesperson):
    customer = CustomerFactory(owner=salesperson)
    html = browser(client, salesperson).post(
        f"/customers/{customer.pk}/contacts/add/", {"name": "李工"}, **HTMX).content.decode()
    assert 'data-error-for="phone"' in html and 'value="李工"' in html
    assert Contact.objects.count() == 0


def test_contact_edit_inline_and_remove(client, salesperson):
    contact = ContactFactory(customer=CustomerFactory(owner=salesperson), name="王经理")
    base = f"/customers/{contact.customer_id}/contacts/{contact.pk}"
    form = browser(client, salesperson).get(f"{base}/edit/", **HTMX).content.decode()
    assert f'hx-post="{base}/edit/"' in form and 'value="王经理"' in form
    response = client.post(f"{base}/edit/", {"name": "王总", "title": "总经理"}, **HTMX)
    assert response.status_code == 200 and "王总" in response.content.decode()
    contact.refresh_from_db()
    assert (contact.name, contact.title) == ("王总", "总经理")
    response = client.post(f"{base}/remove/")
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contact_of_someone_elses_customer_is_forbidden(client, salesperson):
    contact = ContactFactory(customer=CustomerFactory(owner=salesperson), name="王经理")
    base = f"/customers/{contact.customer_id}/contacts/{contact.pk}"
    browser(client, make_user(Dept.SALES, Role.STAFF))
    assert client.post(f"{base}/remove/").status_code == 403
    assert client.get(f"{base}/edit/").status_code == 403
    assert client.post(f"/customers/{contact.customer_id}/contacts/add/",
                       {"name": "x", "phone": "1"}).status_code == 403
    other = CustomerFactory(owner=salesperson)
    browser(client, salesperson)
    assert client.get(f"/customers/{other.pk}/contacts/{contact.pk}/edit/").status_code == 404
    assert list(Contact.objects.values_list("name", flat=True)) == ["王经理"]


# --- imports, templates, exports ---------------------------------------------------------

def test_customer_import_shows_the_summary(client, sales_head):
    response = browser(client, sales_head).post("/customers/import/", {
        "file": xlsx_upload(CUSTOMER_HEADER_ZH, [customer_row()])})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-summary"' in html
    assert "1 created, 0 updated, 0 unchanged." in html
    assert Customer.objects.get().code == "K001"


def test_customer_import_lists_row_errors_and_writes_nothing(client, sales_head):
    response = browser(client, sales_head).post("/customers/import/", {
        "file": xlsx_upload(CUSTOMER_HEADER_ZH, [
            customer_row(), customer_row("K002", "乙", "9133", limit="很多")])})
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert '<tr data-row="3" data-field="credit_limit"><td>3</td><td>信用额度</td>' \
           '<td>Enter a number.</td></tr>' in html
    assert "1 problem in the file; nothing was imported." in html
    assert Customer.objects.count() == 0


def test_import_without_a_file_or_with_a_broken_one(client, sales_head):
    browser(client, sales_head)
    html = client.post("/customers/import/", {}).content.decode()
    assert 'data-error-for="file"' in html and "Choose an .xlsx file." in html
    broken = io.BytesIO(b"PK not really")
    broken.name = "x.xlsx"
    html = client.post("/customers/import/", {"file": broken}).content.decode()
    assert "This is not a readable .xlsx file." in html


def test_salesperson_may_not_import_customers(client, salesperson):
    browser(client, salesperson)
    assert client.get("/customers/import/").status_code == 403
    response = client.post("/customers/import/",
                           {"file": xlsx_upload(CUSTOMER_HEADER_ZH, [customer_row()])})
    assert response.status_code == 403
    assert Customer.objects.count() == 0


def _sheet(response):
    assert response["Content-Type"] == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def test_templates_carry_the_import_headers(client, producer):
    browser(client, producer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    sheet = _sheet(client.get("/customers/import/template.xlsx"))
    assert [c.value for c in sheet[1]][:3] == ["客户编码", "名称", "税号"]
    sheet = _sheet(client.get("/products/import/template.xlsx"))
    assert [c.value for c in sheet[1]] == [*PRODUCT_HEADER_ZH, "启用"]


def test_export_of_the_filtered_list_can_be_imported_back(client, sales_head):
    customer = CustomerFactory(code="C1", name="甲机械", credit_limit=Decimal("5000.00"))
    ContactFactory(customer=customer, name="王经理", phone="021-1")
    CustomerFactory(code="C2", name="乙电气")
    response = browser(client, sales_head).get("/customers/export.xlsx?q=甲")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(_sheet(response).iter_rows(values_only=True))
    assert rows[0][:3] == ("Customer code", "Name", "Tax ID")
    assert [r[:2] for r in rows[1:]] == [("C1", "甲机械")]
    assert (rows[1][6], rows[1][9], rows[1][10], rows[1][12]) == (5000, "王经理", "021-1", "yes")
    again = io.BytesIO(response.content)
    again.name = "export.xlsx"
    html = client.post("/customers/import/", {"file": again}).content.decode()
    assert "0 created, 0 updated, 1 unchanged." in html


# --- products ----------------------------------------------------------------------------

def test_product_history_shows_the_kind_label(client, engineer):
    browser(client, engineer).post("/products/new/", {
        "code": "S1", "name": "安装调试", "kind": "service", "unit": "次",
        "standard_price": "800"})
    product = Product.objects.get()
    html = client.get(f"/products/{product.pk}/").content.decode()
    assert "kind: — → Service" in html and "→ service<" not in html
    assert "standard price: — → ¥800.00" in html


def test_product_list_buttons_follow_permissions(client, salesperson, engineer):
    ProductFactory(code="P1")
    html = browser(client, salesperson).get("/products/").content.decode()
    assert 'data-product="P1"' in html and 'data-testid="new-product"' not in html
    html = browser(client, engineer).get("/products/").content.decode()
    assert 'data-testid="new-product"' in html and 'data-testid="import"' in html


def test_technology_creates_and_deactivates_a_product(client, engineer):
    response = browser(client, engineer).post("/products/new/", {
        "code": "H1", "name": "液压泵", "kind": "product", "unit": "台",
        "standard_price": "12800", "standard_cost": "9000", "min_lead_days": "20"})
    product = Product.objects.get()
    assert response.status_code == 302
    response = client.post(f"/products/{product.pk}/edit/", {"is_active": "0"})
    assert response.status_code == 302 and response["Location"] == f"/products/{product.pk}/"
    product.refresh_from_db()
    assert (product.standard_price, product.min_lead_days, product.is_active) == \
        (Decimal("12800.00"), 20, False)
    html = client.get("/products/").content.decode()
    assert 'data-product="H1"' not in html
    assert 'data-product="H1"' in client.get("/products/?status=inactive").content.decode()


def test_bad_product_form_keeps_input_and_writes_nothing(client, engineer):
    html = browser(client, engineer).post("/products/new/", {
        "code": "H1", "name": "液压泵", "kind": "product", "unit": "台",
        "standard_price": "-1", "min_lead_days": "-2"}).content.decode()
    assert 'data-error-for="standard_price"' in html and 'data-error-for="min_lead_days"' in html
    assert 'value="液压泵"' in html
    assert Product.objects.count() == 0


def test_salesperson_may_view_but_not_edit_products(client, salesperson):
    product = ProductFactory()
    browser(client, salesperson)
    assert client.get(f"/products/{product.pk}/").status_code == 200
    assert client.get(f"/products/{product.pk}/edit/").status_code == 403
    assert client.get("/products/new/").status_code == 403
    assert client.get("/products/import/").status_code == 403
    assert client.get("/products/424242/").status_code == 404


def test_product_import_page(client, engineer):
    response = browser(client, engineer).post("/products/import/", {
        "file": xlsx_upload(PRODUCT_HEADER_ZH, [product_row(), product_row("S1", "调试", "服务")])})
    assert "2 created, 0 updated, 0 unchanged." in response.content.decode()
    assert sorted(Product.objects.values_list("code", "kind")) == \
        [("H001", "product"), ("S1", "service")]
