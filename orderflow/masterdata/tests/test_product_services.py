"""Product services: create, update, deactivate; validation; audit of field changes."""

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, ValidationFailed
from orderflow.masterdata.models import Product
from orderflow.masterdata.services import product_create, product_update
from orderflow.testing.factories import ProductFactory, make_user

pytestmark = pytest.mark.django_db

VALID = {"code": "H200", "name": "液压泵", "specification": "HP-200", "unit": "台",
         "standard_price": "12800.00", "standard_cost": "9000", "min_lead_days": "20"}


@pytest.fixture
def engineer(db):
    return make_user(Dept.TECHNOLOGY, Role.STAFF)


def test_technology_creates_product(engineer):
    product = product_create(actor=engineer, **VALID)
    product.refresh_from_db()
    assert (product.code, product.kind, product.standard_price, product.standard_cost,
            product.min_lead_days, product.is_active) == \
        ("H200", "product", Decimal("12800.00"), Decimal("9000.00"), 20, True)
    (event,) = AuditEvent.objects.filter(object_type="masterdata.product")
    assert event.action == "product.created"
    assert {"field": "standard_price", "old": None, "new": "12800.00"} in event.data["changes"]


def test_service_kind_in_chinese(engineer):
    product = product_create(actor=engineer, **{**VALID, "kind": "服务", "unit": "小时"})
    assert product.kind == "service"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("code", "", "This field is required."),
    ("unit", "", "This field is required."),
    ("standard_price", "-0.01", "Must be at least 0."),
    ("standard_price", "", "This field is required."),
    ("standard_price", "1.234", "At most 2 decimal places."),
    ("standard_cost", "-5", "Must be at least 0."),
    ("min_lead_days", "-1", "Must be at least 0."),
    ("min_lead_days", "2.5", "Enter a whole number."),
    ("min_lead_days", "4000", "Must be at most 3650."),
    ("kind", "gadget", "Select a valid choice."),
])
def test_create_rejects_bad_field_and_writes_nothing(engineer, field, value, message):
    with pytest.raises(ValidationFailed) as exc:
        product_create(actor=engineer, **{**VALID, field: value})
    assert exc.value.errors == {field: [message]}
    assert Product.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_rejects_taken_code(engineer):
    ProductFactory(code="H200")
    with pytest.raises(ValidationFailed) as exc:
        product_create(actor=engineer, **VALID)
    assert exc.value.errors == {"code": ["A product with this code already exists."]}
    assert Product.objects.count() == 1


def test_update_and_deactivate_with_field_changes(engineer):
    # given
    product = ProductFactory(standard_price=Decimal("1000.00"), min_lead_days=10)
    # when
    product_update(product_id=product.pk, actor=engineer, standard_price="1100",
                   min_lead_days=15, is_active=False)
    # then
    product.refresh_from_db()
    assert (product.standard_price, product.min_lead_days, product.is_active) == \
        (Decimal("1100.00"), 15, False)
    (event,) = AuditEvent.objects.filter(object_type="masterdata.product")
    assert event.data["changes"] == [
        {"field": "standard_price", "old": "1000.00", "new": "1100.00"},
        {"field": "min_lead_days", "old": 10, "new": 15},
        {"field": "is_active", "old": True, "new": False}]


def test_update_to_negative_price_changes_nothing(engineer):
    product = ProductFactory(standard_price=Decimal("1000.00"), name="齿轮箱")
    with pytest.raises(ValidationFailed) as exc:
        product_update(product_id=product.pk, actor=engineer, standard_price="-1", name="新")
    assert exc.value.errors == {"standard_price": ["Must be at least 0."]}
    product.refresh_from_db()
    assert (product.standard_price, product.name) == (Decimal("1000.00"), "齿轮箱")


def test_update_unknown_product_is_not_found(engineer):
    with pytest.raises(NotFound):
        product_update(product_id=424242, actor=engineer, name="x")


def test_absurdly_big_price_is_a_field_error(engineer):
    with pytest.raises(ValidationFailed) as exc:
        product_create(actor=engineer, **{**VALID, "standard_price": "1e40"})
    assert exc.value.errors == {"standard_price": ["Must be at most 999999999999.99."]}
