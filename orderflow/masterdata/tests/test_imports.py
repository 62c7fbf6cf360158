"""Spreadsheet imports (P11): all rows good -> created/updated; any bad row -> nothing."""

from decimal import Decimal

import pytest

from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.masterdata.models import Contact, Customer, Product
from orderflow.masterdata.services import ImportFailed, customers_import, products_import
from orderflow.testing.factories import ContactFactory, CustomerFactory, ProductFactory

from .helpers import (
    CUSTOMER_HEADER_EN,
    CUSTOMER_HEADER_ZH,
    PRODUCT_HEADER_ZH,
    customer_row,
    product_row,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db


def _state():
    return (list(Customer.objects.values_list("code", "name", "credit_limit")),
            Contact.objects.count(), list(Product.objects.values_list("code", "name")),
            AuditEvent.objects.count())


def test_chinese_headers_create_customers_with_contacts(sales_head):
    # given
    upload = xlsx_upload(CUSTOMER_HEADER_ZH, [
        customer_row(),
        customer_row("K002", "杭州新丰电气股份有限公司", "91330100MA2B000002", rating="b",
                     contact="李工", phone="0571-88001234", email=None)])
    # when
    result = customers_import(upload=upload, actor=sales_head)
    # then
    assert (result.created, result.updated) == (["K001", "K002"], [])
    first = Customer.objects.get(code="K001")
    assert (first.name, first.tax_id, first.credit_rating, first.credit_limit,
            first.receivables_outstanding) == ("上海华东机械有限公司", "91310000MA1K000001", "A",
                                               Decimal("500000.00"), Decimal("12000.50"))
    assert list(first.contacts.values_list("name", "phone", "email", "is_primary")) == \
        [("王经理", "13812345678", "wang@example.com", True)]
    assert Customer.objects.get(code="K002").credit_rating == "B"
    (summary,) = AuditEvent.objects.all()
    assert (summary.action, summary.object_type) == ("masterdata.customers_imported",
                                                     "masterdata.import")
    assert (summary.data["created"], summary.data["updated"], summary.data["file"]) == \
        (["K001", "K002"], [], "import.xlsx")


def test_english_headers_update_known_code_and_keep_blank_cells(sales_head):
    # given
    known = CustomerFactory(code="K001", name="旧名", tax_id="91310000MA1K000001",
                            address="旧地址", credit_limit=Decimal("100.00"))
    ContactFactory(customer=known, name="王经理", phone="021-1", email="old@example.com")
    upload = xlsx_upload(CUSTOMER_HEADER_EN, [
        customer_row(name="新名", address=None, limit=200000, email="new@example.com")])
    # when
    result = customers_import(upload=upload, actor=sales_head)
    # then
    assert (result.created, result.updated) == ([], ["K001"])
    known.refresh_from_db()
    assert (known.name, known.address, known.credit_limit) == \
        ("新名", "旧地址", Decimal("200000.00"))
    assert list(known.contacts.values_list("name", "phone", "email")) == \
        [("王经理", "13812345678", "new@example.com")]
    (summary,) = AuditEvent.objects.all()
    assert summary.data["updated"] == [{
        "code": "K001",
        "changes": [{"field": "name", "old": "旧名", "new": "新名"},
                    {"field": "credit_limit", "old": "100.00", "new": "200000.00"},
                    {"field": "receivables_outstanding", "old": "0.00", "new": "12000.50"}],
        "contact": {"name": "王经理", "changes": [
            {"field": "phone", "old": "021-1", "new": "13812345678"},
            {"field": "email", "old": "old@example.com", "new": "new@example.com"}]}}]


def test_one_bad_row_writes_nothing_and_names_row_and_column(sales_head):
    # given
    known = CustomerFactory(code="K001", name="旧名", tax_id="91310000MA1K000001")
    before = _state()
    upload = xlsx_upload(CUSTOMER_HEADER_ZH, [
        customer_row(name="新名"),
        customer_row("K002", "好公司", "91330100MA2B000002"),
        customer_row("K003", "坏公司", "91330100MA2B000003", limit=-5),
    ])
    # when
    with pytest.raises(ImportFailed) as exc:
        customers_import(upload=upload, actor=sales_head)
    # then
    assert [(e.row, e.column, e.field, e.message) for e in exc.value.rows] == \
        [(4, "信用额度", "credit_limit", "Must be at least 0.")]
    assert exc.value.errors == {"rows.4.credit_limit": ["Must be at least 0."]}
    assert _state() == before
    known.refresh_from_db()
    assert known.name == "旧名"


def test_every_bad_row_is_reported(sales_head):
    CustomerFactory(code="X9", tax_id="91330100MA2B000009")
    upload = xlsx_upload(CUSTOMER_HEADER_ZH, [
        customer_row("K001", "", "91310000MA1K000001"),
        customer_row("K002", "乙", "91330100MA2B000009", email="bad@"),
        customer_row("K001", "丙", "91310000MA1K000003"),
        customer_row("K004", "丁", "91310000MA1K000004", rating="Z", contact=None),
    ])
    with pytest.raises(ImportFailed) as exc:
        customers_import(upload=upload, actor=sales_head)
    assert [(e.row, e.column, e.message) for e in exc.value.rows] == [
        (2, "名称", "This field is required."),
        (3, "税号", "Customer X9 already has this tax ID."),
        (3, "邮箱", "Enter a valid email address."),
        (4, "客户编码", "This code appears again (first in row 2)."),
        (5, "信用等级", "Select a valid choice."),
        (5, "联系人", "This field is required."),
    ]
    assert Customer.objects.count() == 1


def test_missing_required_column_is_a_file_error(sales_head):
    upload = xlsx_upload(["客户编码", "名称"], [["K001", "甲"]])
    with pytest.raises(ValidationFailed) as exc:
        customers_import(upload=upload, actor=sales_head)
    assert exc.value.errors == {"file": ["Missing column: 税号 (Tax ID)."]}
    assert Customer.objects.count() == 0


def test_owner_column_by_user_name(sales_head, salesperson):
    header = [*CUSTOMER_HEADER_ZH, "负责销售"]
    upload = xlsx_upload(header, [[*customer_row(), salesperson.username],
                                  [*customer_row("K002", "乙", "9133"), "nobody"]])
    with pytest.raises(ImportFailed) as exc:
        customers_import(upload=upload, actor=sales_head)
    assert [(e.row, e.column, e.message) for e in exc.value.rows] == \
        [(3, "负责销售", "No active salesperson has the user name nobody.")]
    upload = xlsx_upload(header, [[*customer_row(), salesperson.username]])
    customers_import(upload=upload, actor=sales_head)
    assert Customer.objects.get(code="K001").owner == salesperson


def test_salesperson_may_not_import_customers(salesperson):
    with pytest.raises(NotPermitted):
        customers_import(upload=xlsx_upload(CUSTOMER_HEADER_ZH, [customer_row()]),
                         actor=salesperson)
    assert Customer.objects.count() == 0


def test_products_import_creates_updates_and_reports_unchanged(sales_head):
    # given
    ProductFactory(code="H001", name="液压泵", kind="product", specification="HP-200",
                   unit="台", standard_price=Decimal("12800"), standard_cost=Decimal("9000"),
                   min_lead_days=20)
    ProductFactory(code="H002", name="旧名", standard_price=Decimal("1.00"))
    upload = xlsx_upload(PRODUCT_HEADER_ZH, [
        product_row(),
        product_row("H002", "安装调试", "服务", unit="次", price=3000.5, days=None),
        product_row("H003", "齿轮箱", "product", spec=None),
    ])
    # when
    result = products_import(upload=upload, actor=sales_head)
    # then
    assert (result.created, result.updated, result.unchanged) == (["H003"], ["H002"], ["H001"])
    service = Product.objects.get(code="H002")
    assert (service.name, service.kind, service.unit, service.standard_price,
            service.min_lead_days) == ("安装调试", "service", "次", Decimal("3000.50"), 10)
    assert Product.objects.get(code="H003").specification == ""


@pytest.mark.parametrize(("cells", "column", "message"), [
    ({"price": -1}, "标准价格", "Must be at least 0."),
    ({"price": None}, "标准价格", "This field is required."),
    ({"days": -3}, "最短交期(天)", "Must be at least 0."),
    ({"days": "两周"}, "最短交期(天)", "Enter a whole number."),
    ({"cost": "abc"}, "标准成本", "Enter a number."),
    ({"unit": None}, "单位", "This field is required."),
])
def test_products_import_bad_row_writes_nothing(sales_head, cells, column, message):
    upload = xlsx_upload(PRODUCT_HEADER_ZH, [product_row(), product_row("H002", **cells)])
    with pytest.raises(ImportFailed) as exc:
        products_import(upload=upload, actor=sales_head)
    assert [(e.row, e.column, e.message) for e in exc.value.rows] == [(3, column, message)]
    assert Product.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_products_import_with_english_headers_and_active_flag(sales_head):
    upload = xlsx_upload(["Product code", "Name", "Kind", "Unit", "Standard price",
                          "Minimum lead time (days)", "Active"],
                         [["S1", "年度维保", "Service", "年", 5000, 0, "否"]])
    products_import(upload=upload, actor=sales_head)
    product = Product.objects.get(code="S1")
    assert (product.kind, product.min_lead_days, product.is_active) == ("service", 0, False)
