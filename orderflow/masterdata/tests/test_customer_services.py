"""Customer and contact services: happy paths, field validation, audit of field changes."""

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, ValidationFailed
from orderflow.masterdata.models import Contact, Customer
from orderflow.masterdata.services import (
    contact_add,
    contact_remove,
    contact_update,
    customer_create,
    customer_update,
)
from orderflow.testing.factories import ContactFactory, CustomerFactory, make_user

pytestmark = pytest.mark.django_db

VALID = {"code": "K100", "name": "苏州精工机械有限公司", "tax_id": "91320500ma1x00001a",
         "address": "苏州市工业园区星湖街1号", "industry": "机械制造"}


def _events(obj):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower,
                                          object_id=str(obj.pk)).order_by("id"))


def test_salesperson_creates_customer_they_own_with_contacts(salesperson):
    # when
    customer = customer_create(actor=salesperson, contacts=[
        {"name": "王经理", "phone": "0512-66001234", "email": "wang@example.com"},
        {"name": "李工", "mobile": "13912345678"}], **VALID)
    # then
    customer.refresh_from_db()
    assert (customer.code, customer.tax_id, customer.owner_id) == \
        ("K100", "91320500MA1X00001A", salesperson.pk)
    assert (customer.credit_rating, customer.credit_limit) == ("B", Decimal("0.00"))
    assert [(c.name, c.is_primary) for c in customer.contacts.order_by("id")] == \
        [("王经理", True), ("李工", False)]
    events = _events(customer)
    assert [e.action for e in events] == ["customer.created", "customer.contact_added",
                                          "customer.contact_added"]
    assert {"field": "tax_id", "old": None, "new": "91320500MA1X00001A"} in \
        events[0].data["changes"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("code", "", "This field is required."),
    ("name", "x" * 201, "At most 200 characters."),
    ("tax_id", "9131 0000/12", "Use only digits, letters and hyphens."),
    ("credit_limit", "-1", "Must be at least 0."),
    ("credit_limit", "abc", "Enter a number."),
    ("credit_rating", "Z", "Select a valid choice."),
    ("receivables_outstanding", "-0.01", "Must be at least 0."),
])
def test_create_rejects_bad_field_and_writes_nothing(sales_head, field, value, message):
    # when
    with pytest.raises(ValidationFailed) as exc:
        customer_create(actor=sales_head, **{**VALID, field: value})
    # then
    assert exc.value.errors[field] == [message]
    assert Customer.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_rejects_taken_code_and_tax_id(salesperson):
    # given
    CustomerFactory(code="K100", tax_id="91320500MA1X00001A")
    # when
    with pytest.raises(ValidationFailed) as exc:
        customer_create(actor=salesperson, **VALID)
    # then
    assert exc.value.errors == {"code": ["A customer with this code already exists."],
                                "tax_id": ["A customer with this tax ID already exists."]}
    assert Customer.objects.count() == 1


def test_create_reports_contact_errors_by_path(salesperson):
    with pytest.raises(ValidationFailed) as exc:
        customer_create(actor=salesperson, contacts=[
            {"name": "王经理", "email": "not-an-email"}, {"name": "李工"}], **VALID)
    assert exc.value.errors == {"contacts.0.email": ["Enter a valid email address."],
                                "contacts.1.phone": ["Give a phone number or an email address."]}
    assert Customer.objects.count() == Contact.objects.count() == 0


def test_salesperson_may_not_set_credit_terms_on_create(salesperson):
    with pytest.raises(NotPermitted):
        customer_create(actor=salesperson, credit_limit="1000000", **VALID)
    assert Customer.objects.count() == 0


def test_sales_head_sets_credit_and_owner_on_create(sales_head, salesperson):
    customer = customer_create(actor=sales_head, credit_rating="a · excellent",
                               credit_limit="2,000,000.00", owner_id=salesperson.pk, **VALID)
    customer.refresh_from_db()
    assert (customer.credit_rating, customer.credit_limit, customer.owner_id) == \
        ("A", Decimal("2000000.00"), salesperson.pk)


def test_owner_must_be_an_active_salesperson(sales_head):
    finance = make_user(Dept.FINANCE, Role.STAFF)
    with pytest.raises(ValidationFailed) as exc:
        customer_create(actor=sales_head, owner_id=finance.pk, **VALID)
    assert exc.value.errors == {"owner_id": ["Choose an active salesperson."]}


def test_owner_updates_fields_and_audit_lists_changes(salesperson):
    # given
    customer = CustomerFactory(owner=salesperson, address="旧地址", industry="机械制造")
    # when
    customer_update(customer_id=customer.pk, actor=salesperson, address="新地址",
                    industry="机械制造", is_active="0")
    # then
    customer.refresh_from_db()
    assert (customer.address, customer.is_active) == ("新地址", False)
    (event,) = _events(customer)
    assert event.action == "customer.updated"
    assert event.data["changes"] == [{"field": "address", "old": "旧地址", "new": "新地址"},
                                     {"field": "is_active", "old": True, "new": False}]


def test_update_without_changes_writes_no_audit(salesperson):
    customer = CustomerFactory(owner=salesperson, name="甲公司")
    customer_update(customer_id=customer.pk, actor=salesperson, name="甲公司")
    assert _events(customer) == []


def test_update_rejects_tax_id_of_another_customer(salesperson):
    CustomerFactory(tax_id="91310000AAAA000001")
    customer = CustomerFactory(owner=salesperson, tax_id="91310000BBBB000002")
    with pytest.raises(ValidationFailed) as exc:
        customer_update(customer_id=customer.pk, actor=salesperson,
                        tax_id="91310000aaaa000001")
    assert exc.value.errors == {"tax_id": ["A customer with this tax ID already exists."]}
    customer.refresh_from_db()
    assert customer.tax_id == "91310000BBBB000002"


def test_finance_changes_credit_terms_only(salesperson):
    # given
    finance = make_user(Dept.FINANCE, Role.STAFF)
    customer = CustomerFactory(owner=salesperson, name="甲公司", credit_limit=Decimal("100"))
    # when
    customer_update(customer_id=customer.pk, actor=finance, credit_limit="250000",
                    receivables_outstanding="1200.50", credit_rating="C", name="甲公司")
    # then
    customer.refresh_from_db()
    assert (customer.credit_limit, customer.receivables_outstanding,
            customer.credit_rating) == (Decimal("250000.00"), Decimal("1200.50"), "C")
    with pytest.raises(NotPermitted):
        customer_update(customer_id=customer.pk, actor=finance, name="乙公司")
    customer.refresh_from_db()
    assert customer.name == "甲公司"


def test_owner_may_not_change_credit_or_hand_over(salesperson):
    customer = CustomerFactory(owner=salesperson, credit_limit=Decimal("100.00"))
    other = make_user(Dept.SALES, Role.STAFF)
    with pytest.raises(NotPermitted):
        customer_update(customer_id=customer.pk, actor=salesperson, credit_limit="999999")
    with pytest.raises(NotPermitted):
        customer_update(customer_id=customer.pk, actor=salesperson, owner_id=other.pk)
    customer.refresh_from_db()
    assert (customer.credit_limit, customer.owner_id) == (Decimal("100.00"), salesperson.pk)
    assert _events(customer) == []


def test_update_unknown_customer_is_not_found(sales_head):
    with pytest.raises(NotFound):
        customer_update(customer_id=987654, actor=sales_head, name="x")


def test_contact_add_update_remove_keep_one_primary(salesperson):
    # given
    customer = CustomerFactory(owner=salesperson)
    first = contact_add(customer_id=customer.pk, actor=salesperson, name="王经理",
                        phone="021-55501234")
    second = contact_add(customer_id=customer.pk, actor=salesperson, name="李工",
                         email="li@example.com", is_primary="yes")
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    # when
    contact_update(contact_id=first.pk, customer_id=customer.pk, actor=salesperson,
                   email="wang@example.com", title="采购经理")
    contact_remove(contact_id=second.pk, customer_id=customer.pk, actor=salesperson)
    # then
    first.refresh_from_db()
    assert (first.email, first.title, first.is_primary) == ("wang@example.com", "采购经理",
                                                            True)
    actions = [e.action for e in _events(customer)]
    assert actions == ["customer.contact_added", "customer.contact_added",
                       "customer.contact_updated", "customer.contact_removed"]
    updated = _events(customer)[2]
    assert updated.data["changes"] == [
        {"field": "title", "old": "", "new": "采购经理"},
        {"field": "email", "old": "", "new": "wang@example.com"}]


def test_contact_update_may_not_leave_contact_unreachable(salesperson):
    contact = ContactFactory(customer=CustomerFactory(owner=salesperson), phone="",
                             mobile="", email="a@example.com")
    with pytest.raises(ValidationFailed) as exc:
        contact_update(contact_id=contact.pk, actor=salesperson, email="")
    assert exc.value.errors == {"phone": ["Give a phone number or an email address."]}
    contact.refresh_from_db()
    assert contact.email == "a@example.com"


def test_contact_of_another_customer_is_not_found(salesperson):
    contact = ContactFactory(customer=CustomerFactory(owner=salesperson))
    other = CustomerFactory(owner=salesperson)
    with pytest.raises(NotFound):
        contact_remove(contact_id=contact.pk, customer_id=other.pk, actor=salesperson)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_other_salesperson_may_not_touch_contacts(salesperson):
    contact = ContactFactory(customer=CustomerFactory(owner=salesperson), name="王经理")
    stranger = make_user(Dept.SALES, Role.STAFF)
    with pytest.raises(NotPermitted):
        contact_update(contact_id=contact.pk, actor=stranger, name="改名")
    with pytest.raises(NotPermitted):
        contact_remove(contact_id=contact.pk, actor=stranger)
    contact.refresh_from_db()
    assert contact.name == "王经理"
